// Types of instapub's Node helper (index.js). The control plane's bodies and answers are
// generated from the sandbox's OpenAPI document (control.d.ts).

import type {
  Account, AccountPatch, App, AppSettings, AppState, Business, Catalog, Comments, FbUser, Logged, Match, Media,
  MediaActivity, MediaPatch, NewAccount, NewApp, NewCatalog, NewComment, NewMedia, NewOauthCode,
  NewPage, NewPartnershipCode, NewRule, NewSubscription, OauthCode, Page, PartnershipCode, Report, Rule,
  Trigger, Triggered, WebhookDelivery, WebhookSubscription,
} from './control';
export * from './control';

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

/** A fault rule's match. */
export type FaultMatch = Match;

/** A fault rule's effect and limits (`latencyMs` is the rule's `latency_ms`). */
export interface FaultOptions {
  /** A catalog error: `{ subcode: 2207001 }` or `{ code: 2 }`. */
  error?: NewRule['error'];
  network?: NewRule['network'];
  /** A fault of webhook deliveries (matched by `match.field`) instead of requests. */
  webhook?: NewRule['webhook'];
  times?: number;
  probability?: number;
  latencyMs?: number;
}

export class SandboxError extends Error {}

/** One webhook delivery a receiver got. */
export interface WebhookReceived {
  /** The raw body, exactly as sent (a Node Buffer; verify this, never a re-serialised value). */
  body: Uint8Array;
  /** Request headers, lower-case names. */
  headers: Record<string, string | string[] | undefined>;
  /** Whether X-Hub-Signature-256 signs the body with the app secret. */
  verified: boolean;
  json(): any;
  readonly changes: Array<{ field: string; value: any }>;
  readonly fields: string[];
}

/** A webhook callback on a loopback port that answers Meta's handshake and collects deliveries. */
export class Receiver {
  constructor(appSecret: string, options?: { verifyToken?: string; status?: number });
  url: string;
  verifyToken: string;
  /** What deliveries are answered with (200). */
  status: number;
  deliveries: WebhookReceived[];
  start(): Promise<Receiver>;
  /** The next delivery not returned before (with a change of `field`, if given). */
  waitFor(options?: { field?: string; timeoutMs?: number }): Promise<WebhookReceived>;
  close(): Promise<void>;
}

/** Whether `header` (X-Hub-Signature-256) signs `rawBody` under the app secret. */
export function verifySignature(appSecret: string, rawBody: Uint8Array | string, header: string | undefined): boolean;


export class Sandbox {
  readonly info: StartupInfo;
  /** Webhook receivers subscribed to this sandbox. */
  readonly webhooks: {
    /** A receiver subscribed to `fields` (default: every field the sandbox sends) for the demo account. */
    receiver(fields?: string[], options?: { login?: 'facebook' | 'instagram'; status?: number }): Promise<Receiver>;
  };
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
  createAccount(username: string, fields?: Omit<NewAccount, 'username'>): Promise<Account>;
  updateAccount(userId: string, fields: AccountPatch): Promise<Account>;
  /** Every account, the demo one first. */
  listAccounts(): Promise<Account[]>;
  createToken(userId: string, options?: { permissions?: string[]; expiresIn?: number }): Promise<string>;
  createCatalog(name: string, fields?: Omit<NewCatalog, 'name'>): Promise<Catalog>;
  /** A media object not published through the API. */
  createMedia(mediaType: string, mediaProductType: string, fields?: Omit<NewMedia, 'media_type' | 'media_product_type'>): Promise<Media>;
  /** Stages likes, the comment switch or insight values on a media. */
  updateMedia(mediaId: string, fields: MediaPatch): Promise<MediaActivity>;
  /** A comment from someone else (`media_id`, or `parent_id` for a reply). */
  createComment(text: string, fields?: Omit<NewComment, 'text'>): Promise<Comments>;
  createPartnershipCode(mediaId: string, fields?: Omit<NewPartnershipCode, 'media_id'>): Promise<PartnershipCode>;
  createApp(redirectUris: string[], fields?: Omit<NewApp, 'redirect_uris'>): Promise<App>;
  listApps(): Promise<App[]>;
  createFacebookUser(name: string): Promise<FbUser>;
  createPage(name: string, adminId: string, fields?: Omit<NewPage, 'name' | 'admin_id'>): Promise<Page>;
  createBusiness(name: string, ownerId: string): Promise<Business>;
  /** Call limits, the ads audio-swap switch and the media store's use. */
  appSettings(): Promise<AppState>;
  setApp(fields: AppSettings): Promise<AppState>;
  addFault(match?: FaultMatch, options?: FaultOptions): Promise<Rule>;
  faults(): Promise<Rule[]>;
  removeFault(id: string): Promise<{ success: boolean }>;
  /** Moves the virtual clock forward; the new virtual time in Unix seconds. */
  advanceClock(seconds: number): Promise<number>;
  /** The virtual time in Unix seconds. */
  now(): Promise<number>;
  /** Hosts bytes on the sandbox; the URL to give as image_url or video_url. */
  putFile(name: string, bytes: Uint8Array | string, contentType?: string): Promise<string>;
  oauthCode(login?: 'facebook' | 'instagram', userId?: string, fields?: Omit<NewOauthCode, 'login' | 'user_id'>): Promise<OauthCode>;
  /** Subscribes the app to webhook fields and installs it on accounts, after Meta's handshake. */
  subscribeWebhooks(callbackUrl: string, options?: Omit<NewSubscription, 'callback_url'>): Promise<WebhookSubscription>;
  webhookDeliveries(): Promise<WebhookDelivery[]>;
  redeliverWebhook(id: string): Promise<WebhookDelivery>;
  /** The App Dashboard's Test button: a sample in its own shape. */
  testWebhook(field: string, appId?: string): Promise<WebhookDelivery>;
  /** Makes an event happen from real state. */
  triggerWebhook(field: Trigger['field'], options?: Omit<Trigger, 'field'>): Promise<Triggered>;
  /** The integration report: errors met and never met, permissions granted against used. */
  report(): Promise<Report>;
  resetReport(): Promise<{ success: boolean }>;
  requests(): Promise<Logged[]>;
  reset(): Promise<{ success: boolean }>;
}

/** Starts a sandbox on a free loopback port with an in-memory database. */
export function startSandbox(options?: StartOptions): Promise<Sandbox>;

/** The instapub binary for this platform. */
export function binaryPath(): string;
