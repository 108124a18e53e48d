/**
 * Node's name for the operating system (process.platform) from systeminformation's osInfo().platform, which
 * says 'Windows' where Node says 'win32' and agrees elsewhere ('linux', 'darwin').
 */
export function nodePlatform(osPlatform: string): string {
  return osPlatform === 'Windows' ? 'win32' : osPlatform;
}
