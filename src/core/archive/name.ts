// Whether a path names a support archive: apart from archive.ts so that `check` decides without loading zlib,
// yauzl and tar-stream (archive.ts is imported only when an archive is analysed).

const ARCHIVE_NAME = /\.(zip|tar|tgz|tar\.gz)$/i;

/** true when the path names an archive this module reads. */
export function isArchivePath(p: string): boolean {
  return ARCHIVE_NAME.test(p);
}
