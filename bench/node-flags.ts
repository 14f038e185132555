/**
 * The V8 flags every benchmark process runs with. V8's old space is capped (BENCH_HEAP_MB,
 * default 1536; 0 for no cap): a run's live heap stays well below that, and without a cap V8 lets
 * the heap (and so the RSS) grow far past what is live before it collects. The young generation
 * has 64 MiB semi-spaces (BENCH_SEMI_SPACE_MB; V8's default is 16): the negotiations in flight
 * survive a scavenge, so scavenging less often copies them less often (a fifth of the time of a
 * 10,000-buyer run went to scavenges with the default).
 */
export function benchNodeFlags(env: NodeJS.ProcessEnv = process.env): string[] {
  const heapMb = Number(env.BENCH_HEAP_MB ?? 1536);
  const semiSpaceMb = Number(env.BENCH_SEMI_SPACE_MB ?? 64);
  return [
    ...(Number.isFinite(heapMb) && heapMb > 0 ? [`--max-old-space-size=${heapMb}`] : []),
    ...(Number.isFinite(semiSpaceMb) && semiSpaceMb > 0 ? [`--max-semi-space-size=${semiSpaceMb}`] : []),
  ];
}
