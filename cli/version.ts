// The release version `vaultlet --version` prints. A constant rather than a read of package.json:
// the image bundles carry no package.json. version.test.ts keeps it equal to package.json's.
export const VERSION = '0.1.0';

export function versionLine(): string {
  return `vaultlet ${VERSION} (node ${process.versions.node}, ${process.platform}-${process.arch})\n`;
}
