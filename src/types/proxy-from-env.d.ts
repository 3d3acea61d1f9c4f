// proxy-from-env ships no types; this is the one function used (the same one proxy-agent uses to pick a proxy).
declare module 'proxy-from-env' {
  export function getProxyForUrl(url: string): string;
}
