/** External agents over WebSocket: the gateway, the link the simulation sees, record and replay. */
export { Gateway, type GatewayOptions } from './server.js';
export type { AgentLink, Answer, Outgoing } from './link.js';
export { Recorder, ReplayLink, ReplayMismatch, readRecording, RECORDING_FORMAT } from './replay.js';
export type { GatewayReport } from './stats.js';
export type { ExternalWallclock } from './wallclock.js';
