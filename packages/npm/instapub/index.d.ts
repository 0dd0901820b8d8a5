// Types of instapub's Node helper (index.js).

/** What `instapub serve --json` printed at start. */
export interface StartupInfo {
  base_url: string;
  user_id: string;
  username: string;
  access_token: string;
  admin_key: string;
  app_id: string;
  app_secret: string;
  facebook_user_id: string;
  page_id: string;
  hosts: Record<string, string>;
  db: string;
  [key: string]: unknown;
}

export interface StartOptions {
  /** The instapub binary (default: the platform package's, or $INSTAPUB_BINARY). */
  binary?: string;
  /** How long videos stay IN_PROGRESS at least (default 0). */
  videoProcessingMs?: number;
  /** The publishing quota of new accounts. */
  quotaTotal?: number;
  /** More `instapub serve` flags. */
  args?: string[];
  /** How long to wait for the sandbox to start (default 30000). */
  startTimeoutMs?: number;
}

export interface FaultMatch {
  endpoint?: string;
  user_id?: string;
  media_type?: string;
}

export interface FaultOptions {
  /** A catalog error: `{ subcode: 2207001 }` or `{ code: 2 }`. */
  error?: { subcode?: number; code?: number };
  network?: 'reset' | 'truncate' | 'slow_body';
  times?: number;
  probability?: number;
  latencyMs?: number;
}

export class SandboxError extends Error {}

export class Sandbox {
  readonly info: StartupInfo;
  /** graph.facebook.com's stand-in (`{base}/path`). */
  readonly baseUrl: string;
  /** `baseUrl` + `/v25.0`. */
  readonly graphUrl: string;
  /** The demo Instagram account. */
  readonly userId: string;
  readonly username: string;
  readonly accessToken: string;
  readonly adminKey: string;
  /** The demo app (accepts any redirect URI). */
  readonly appId: string;
  readonly appSecret: string;
  readonly facebookUserId: string;
  readonly pageId: string;
  /** Each Meta host's base URL in this sandbox. */
  readonly hosts: Record<string, string>;
  readonly running: boolean;
  hostUrl(host: string): string;
  stop(): Promise<void>;
  control(method: string, path: string, body?: unknown, options?: { raw?: Uint8Array | string; contentType?: string }): Promise<any>;
  createAccount(username: string, fields?: Record<string, unknown>): Promise<{ id: string; username: string; access_token: string }>;
  updateAccount(userId: string, fields: Record<string, unknown>): Promise<any>;
  createToken(userId: string, options?: { permissions?: string[]; expiresIn?: number }): Promise<string>;
  addFault(match?: FaultMatch, options?: FaultOptions): Promise<{ id: string }>;
  faults(): Promise<Array<{ id: string; [key: string]: unknown }>>;
  removeFault(id: string): Promise<any>;
  /** Moves the virtual clock forward; the new virtual time in Unix seconds. */
  advanceClock(seconds: number): Promise<number>;
  /** Hosts bytes on the sandbox; the URL to give as image_url or video_url. */
  putFile(name: string, bytes: Uint8Array | string, contentType?: string): Promise<string>;
  oauthCode(login?: 'facebook' | 'instagram', userId?: string, fields?: Record<string, unknown>): Promise<{ code: string; redirect_uri: string; app_id: string; user_id: string }>;
  requests(): Promise<Array<Record<string, unknown>>>;
  reset(): Promise<any>;
}

/** Starts a sandbox on a free loopback port with an in-memory database. */
export function startSandbox(options?: StartOptions): Promise<Sandbox>;

/** The instapub binary for this platform. */
export function binaryPath(): string;
