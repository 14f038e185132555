/** What the gateway saw on the wall clock: counters and HDR histograms (report.json `wallclock.external`). */
import { LatencyHistogram, type LatencySummary } from '../metrics/latency.js';

export interface GatewayReport {
  readonly frames_sent: number;
  readonly frames_received: number;
  /** frames refused with an invalid_message error (not JSON, not an object, not from the connection's agent) */
  readonly malformed: number;
  readonly refused: { readonly unknown_agent: number; readonly wrong_key: number; readonly already_connected: number; readonly no_hello: number };
  readonly connects: number;
  readonly reconnects: number;
  readonly disconnects: number;
  readonly reply_timeouts: number;
  readonly late_answers: number;
  readonly out_of_turn: number;
  readonly unknown_refs: number;
  readonly backpressure_waits: number;
  /** frame sent → the agent's next for it */
  readonly reply_latency: LatencySummary;
  /** frame handed to the gateway → its answer in the simulation */
  readonly round_trip: LatencySummary;
}

export class GatewayStats {
  framesSent = 0;
  framesReceived = 0;
  malformed = 0;
  refusedUnknown = 0;
  refusedKey = 0;
  refusedDuplicate = 0;
  refusedUnidentified = 0;
  connects = 0;
  reconnects = 0;
  disconnects = 0;
  replyTimeouts = 0;
  lateAnswers = 0;
  outOfTurn = 0;
  unknownRefs = 0;
  backpressureWaits = 0;
  readonly replyLatency = new LatencyHistogram();
  readonly roundTrip = new LatencyHistogram();

  report(): GatewayReport {
    return {
      frames_sent: this.framesSent,
      frames_received: this.framesReceived,
      malformed: this.malformed,
      refused: { unknown_agent: this.refusedUnknown, wrong_key: this.refusedKey, already_connected: this.refusedDuplicate, no_hello: this.refusedUnidentified },
      connects: this.connects,
      reconnects: this.reconnects,
      disconnects: this.disconnects,
      reply_timeouts: this.replyTimeouts,
      late_answers: this.lateAnswers,
      out_of_turn: this.outOfTurn,
      unknown_refs: this.unknownRefs,
      backpressure_waits: this.backpressureWaits,
      reply_latency: this.replyLatency.summary(),
      round_trip: this.roundTrip.summary(),
    };
  }
}
