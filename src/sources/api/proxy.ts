/*
 * What every request the plugin makes itself shares: the proxy settings from the environment, and kept-alive
 * connections.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { ProxyAgent } from 'proxy-agent';

type Agents = { http: HttpAgent; https: HttpsAgent };

/** The variables proxy-agent (proxy-from-env) reads a proxy from, in either case. */
const PROXY_VARIABLES = ['http_proxy', 'https_proxy', 'all_proxy'];

/** Whether any proxy variable is set (non-empty): only then can a request go through a proxy. */
export const proxyConfigured = (env: NodeJS.ProcessEnv = process.env): boolean =>
  // An empty lower-case variable falls through to the upper-case one, as in proxy-from-env.
  // eslint-disable-next-line @typescript-eslint/prefer-nullish-coalescing
  PROXY_VARIABLES.some((name) => Boolean(env[name] || env[name.toUpperCase()]));

let viaProxy: ProxyAgent | undefined;
let direct: Agents | undefined;

/**
 * HTTPS_PROXY, HTTP_PROXY, ALL_PROXY and NO_PROXY (read per request by proxy-agent), as the sf CLI's own plugins
 * honour them. Without any proxy variable, node's own agents: proxy-agent would only pass every request through to
 * them, at a cost per request (it builds a stack trace to tell http from https), and an export makes thousands.
 * Connections are kept alive and reused: an export makes thousands of requests to one host. (Idle sockets don't
 * keep the process alive: node's agent unrefs them.)
 */
export const proxyAgents = (): Agents => {
  if (!proxyConfigured()) return (direct ??= { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) });
  viaProxy ??= new ProxyAgent({ keepAlive: true });
  return { http: viaProxy, https: viaProxy as unknown as HttpsAgent };
};

export const USER_AGENT = 'sf-plugin-conversation';
