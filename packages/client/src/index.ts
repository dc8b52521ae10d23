export { createReclaimClient, wsUrlFor, type ReclaimClient, type ReclaimClientOptions, type SocketState } from './apollo.js';
export { describeError, type ErrorCode, type FieldProblem, type RequestProblem } from './errors.js';
