/**
 * Bytes a piece of work allocates on the V8 heap, from the heap statistics V8 reports around each
 * collection (v8.GCProfiler): between two collections the used heap grows only by what is
 * allocated, so the allocation is the sum of those growths. Concurrent sweeping can return
 * memory between collections, which makes the figure a slight underestimate, never an
 * overestimate of what the code asked for.
 */
import { GCProfiler, getHeapStatistics } from 'node:v8';

export interface AllocationMeter {
  /** stops measuring: bytes allocated since the meter started, and the collections it saw */
  stop(): { bytes: number; collections: number };
}

export function startAllocationMeter(): AllocationMeter {
  const profiler = new GCProfiler();
  profiler.start();
  const startUsed = getHeapStatistics().used_heap_size;
  return {
    stop() {
      const endUsed = getHeapStatistics().used_heap_size;
      const { statistics } = profiler.stop();
      let bytes = 0;
      let last = startUsed;
      for (const gc of statistics) {
        bytes += Math.max(0, gc.beforeGC.heapStatistics.usedHeapSize - last);
        last = gc.afterGC.heapStatistics.usedHeapSize;
      }
      bytes += Math.max(0, endUsed - last);
      return { bytes, collections: statistics.length };
    },
  };
}
