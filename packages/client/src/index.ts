export { createReclaimClient, wsUrlFor, type ReclaimClient, type ReclaimClientOptions, type SocketState } from './apollo.js';
export {
  ERROR_CODES,
  describeError,
  networkProblem,
  routeProblem,
  type ErrorCode,
  type FieldProblem,
  type RequestProblem,
} from './errors.js';
export {
  CODE_TEXTS,
  CONSTRAINT_TEXTS,
  PASSWORD_RULE,
  REASON_TEXTS,
  errorText,
  fieldErrors,
  fieldText,
  isReason,
  type ErrorReason,
  type Locale,
} from './error-text.js';
export {
  ACCEPT_ATTRIBUTE,
  ACCEPTED_TYPES,
  MAX_FILE_BYTES,
  MAX_FILES,
  UploadError,
  checkFile,
  formatFileSize,
  uploadFile,
  type FileRefusal,
  type UploadRequest,
  type UploadedFile,
} from './uploads.js';
export { copyText } from './clipboard.js';
export {
  ExportError,
  downloadExport,
  exportPath,
  saveBlob,
  type AnalysisExportTable,
  type ExportFormat,
  type ExportRequest,
  type ExportTable,
} from './exports.js';
