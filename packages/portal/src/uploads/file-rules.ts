/** The limits the portal checks before uploading (the server checks again, from the bytes). */
export { ACCEPT_ATTRIBUTE, MAX_FILE_BYTES, MAX_FILES, checkFile, formatFileSize as formatSize, type FileRefusal } from '@reclaim/client';
