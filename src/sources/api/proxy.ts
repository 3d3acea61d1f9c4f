/*
 * What every request the plugin makes itself shares: the proxy settings from the environment.
 */
import { ProxyAgent } from 'proxy-agent';

let proxyAgent: ProxyAgent | undefined;

/**
 * HTTPS_PROXY, HTTP_PROXY and NO_PROXY (read per request by proxy-agent), as the sf CLI's own plugins honour them.
 * Connections are kept alive and reused: an export makes thousands of requests to one host. (Idle sockets don't
 * keep the process alive: node's agent unrefs them.)
 */
export const proxyAgents = (): { http: ProxyAgent; https: ProxyAgent } => {
  proxyAgent ??= new ProxyAgent({ keepAlive: true });
  return { http: proxyAgent, https: proxyAgent };
};

export const USER_AGENT = 'sf-plugin-conversation';
