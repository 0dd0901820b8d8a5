// Generated from the sandbox's OpenAPI document by crates/sandbox/tests/packages.rs:
// the bodies and answers of the control plane. Do not edit.

/** An account as the control plane shows it; a created one comes with its full-permission token. */
export interface Account {
  id: string;
  username: string;
  restricted: boolean;
  spam_flagged: boolean;
  quota_total: number;
  shopping_eligible: boolean;
  access_token?: string | null;
}

/** A list answered in full: `{"data": [...]}`. */
export interface AccountList {
  data: Array<Account>;
}

/** Changes to an account; absent fields stay as they are. */
export interface AccountPatch {
  restricted?: boolean | null;
  spam_flagged?: boolean | null;
  quota_total?: number | null;
  shopping_eligible?: boolean | null;
  /** The profile's display name (default: the username). */
  name?: string | null;
  biography?: string | null;
  website?: string | null;
  profile_picture_url?: string | null;
  followers_count?: number | null;
  follows_count?: number | null;
  /** Account insight values per day, by metric (`reach`, `follower_count`, `views`...). */
  insights?: Record<string, number> | null;
}

/** How far to move the virtual clock. */
export interface Advance {
  /** Seconds forward. */
  seconds: number;
}

/** An app's identity: what a client is configured with. */
export interface App {
  app_id: string;
  app_secret: string;
  name: string;
  redirect_uris: Array<string>;
}

/** A list answered in full: `{"data": [...]}`. */
export interface AppList {
  data: Array<App>;
}

/** One app's report. */
export interface AppReport {
  /** Null for calls whose token named no app (a malformed or unknown token). */
  app_id?: string | null;
  /** Catalog errors the sandbox answered this app, with where and why. */
  errors_met: Array<ErrorMet>;
  /** Meta's table's rows for the operations the app called, and the generic errors, that it never met; each with the fault rule that produces it in a test. */
  errors_not_met: Array<ErrorNotMet>;
  /** What the app did after each error, judged by the catalog's action. */
  reactions: Array<Reaction>;
  /** The Graph versions its calls asked for, and how long Meta serves each. */
  versions: Array<VersionUse>;
  /** Logins opened at the older authorize address (api.instagram.com/oauth/authorize). */
  older_authorize_logins: number;
  permissions: Permissions;
}

/** App-wide settings; absent fields stay as they are. */
export interface AppSettings {
  ads_audio_swap_enabled?: boolean | null;
  app_calls_per_hour?: number | null;
  account_calls_per_hour?: number | null;
  /** Meta's "Require App Secret": Graph calls with a user, Page or Instagram token must carry `appsecret_proof`. */
  require_appsecret_proof?: boolean | null;
  /** The Graph version that answers calls without one in the path (`v21.0` ...). */
  default_version?: string | null;
}

/** App-wide settings and the media store's use. */
export interface AppState {
  app_calls_per_hour: number;
  account_calls_per_hour: number;
  ads_audio_swap_enabled: boolean;
  /** Meta's "Require App Secret" switch. */
  require_appsecret_proof: boolean;
  /** The version that answers calls without one. */
  default_version: string;
  media_store: MediaStore;
}

/** A Business owned by a Facebook user. */
export interface Business {
  id: string;
  name: string;
  owner_id: string;
}

/** A product catalog owned by an account. */
export interface Catalog {
  id: string;
  account_id: string;
  name: string;
  products: Array<Product>;
}

/** The virtual clock. */
export interface Clock {
  /** Unix seconds, virtual. */
  now: number;
  /** How far the clock has been advanced. */
  offset_seconds: number;
}

/** Created comments: the first's id, and every id in order (the comment, then its replies). */
export interface Comments {
  id?: string | null;
  ids: Array<string>;
}

/** A catalog error an app met. */
export interface ErrorMet {
  /** The catalog entry's name. */
  entry: string;
  /** `CODE/SUBCODE` or `CODE`. */
  key: string;
  count: number;
  /** How many a fault rule produced. */
  from_faults: number;
  /** How many the real condition produced. */
  from_conditions: number;
  /** The route paths that answered it. */
  endpoints: Array<string>;
  /** Instagram accounts it happened to (at most 20 named). */
  accounts: Array<string>;
}

/** An error an app's tests never met. */
export interface ErrorNotMet {
  entry: string;
  key: string;
  summary: string;
  /** The body of `POST /_sandbox/faults` that produces it once. */
  fault_rule: unknown;
  /** The same rule through each package. */
  python: string;
  node: string;
  rust: string;
}

/** The error a rule answers with: a catalog entry named by subcode or by code. */
export interface FaultError {
  subcode?: number | null;
  code?: number | null;
}

/** The operations a fault rule can name (`match.endpoint`); each row of [`ROUTES`] says which it belongs to, and a test adds a rule for each and sees it fire. */
export type FaultTarget = 'create_media' | 'media_publish' | 'container_status' | 'content_publishing_limit' | 'media_read' | 'user_read' | 'ig_audio' | 'upload' | 'catalogs' | 'media_write' | 'comments' | 'insights' | 'login' | 'accounts' | 'webhooks';

/** A Facebook user. */
export interface FbUser {
  id: string;
  name: string;
}

/** A hosted file. */
export interface File {
  name: string;
  size: number;
  /** Where it is served, without credentials. */
  url: string;
}

/** What the report found, one item per thing to act on. */
export interface Finding {
  kind: FindingKind;
  app_id?: string | null;
  entry?: string | null;
  permission?: string | null;
  message: string;
}

/** Kinds of finding. */
export type FindingKind = 'error_not_met' | 'permission_not_used' | 'permission_not_requested' | 'reaction' | 'version';

/** An HTTP header. */
export interface Header {
  name: string;
  value: string;
}

/** One logged exchange. */
export interface Logged {
  /** Sequence number, from 1. */
  seq: number;
  /** Virtual time, seconds. */
  at: number;
  method: string;
  path: string;
  /** The query string, with the values of secret parameters (`access_token`, `client_secret`, ...) masked to their first 6 and last 4 characters. */
  query?: string | null;
  /** The request body as text (lossy, truncated), secrets masked like `query`. */
  body: string;
  status: number;
  response: string;
  /** `(code, subcode)` when the answer was an error. */
  error_code?: number | null;
  error_subcode?: number | null;
  /** What really happened when the sandbox knows more than the envelope says (a media fetch's HTTP status or refused connection, a blocked address). */
  detail?: string | null;
}

/** A list answered in full: `{"data": [...]}`. */
export interface LoggedList {
  data: Array<Logged>;
}

/** Which login an app, a code, a token or a webhook install belongs to. */
export type Login = 'facebook' | 'instagram';

/** Conditions; every given one must hold. */
export interface Match {
  endpoint?: FaultTarget | null;
  user_id?: string | null;
  media_type?: string | null;
  /** Webhook rules: a field the delivery carries (`comments`, `mentions`, ...). */
  field?: string | null;
}

/** A seeded media object. */
export interface Media {
  id: string;
  media_type: string;
  media_product_type: string;
  copyrighted_music: boolean;
}

/** A media object's staged activity. */
export interface MediaActivity {
  id: string;
  like_count: number;
  comment_enabled: boolean;
}

/** Activity on a media; absent fields stay as they are. */
export interface MediaPatch {
  like_count?: number | null;
  comment_enabled?: boolean | null;
  /** Lifetime insight values by metric (`reach`, `views`, `saved`, `shares`...). */
  insights?: Record<string, number> | null;
}

/** Bytes of published media kept, and the most kept. */
export interface MediaStore {
  used_bytes: number;
  max_bytes: number;
}

/** Ways a connection goes wrong. */
export type Network = 'reset' | 'truncate' | 'slow_body';

/** A new account. */
export interface NewAccount {
  /** 1-30 letters, digits, `_` or `.`; unique. */
  username: string;
  restricted?: boolean;
  spam_flagged?: boolean;
  /** Posts per 24 h (default: the sandbox's `quota_total`). */
  quota_total?: number | null;
  shopping_eligible?: boolean;
  /** A fixed value for its full-permission token (generated when absent). */
  access_token?: string | null;
  /** The profile's display name (default: the username). */
  name?: string | null;
  biography?: string | null;
  website?: string | null;
  profile_picture_url?: string | null;
  followers_count?: number | null;
  follows_count?: number | null;
  /** Account insight values per day, by metric (`reach`, `follower_count`, `views`...). */
  insights?: Record<string, number> | null;
}

/** A new app. */
export interface NewApp {
  /** Default: "instapub app N". */
  name?: string | null;
  /** A fixed id (digits; generated when absent). */
  app_id?: string | null;
  /** A fixed secret (generated when absent). */
  app_secret?: string | null;
  /** The redirect URIs its logins may use (at least one; only the demo app takes any). */
  redirect_uris: Array<string>;
}

/** A new Business. */
export interface NewBusiness {
  name: string;
  /** The Facebook user who owns it. */
  owner_id: string;
}

/** A product catalog. */
export interface NewCatalog {
  user_id?: string | null;
  user?: string | null;
  name: string;
  products?: Array<NewCatalogProduct>;
}

/** A product of a [`NewCatalog`]. */
export interface NewCatalogProduct {
  retailer_id?: string | null;
  name: string;
  /** One of [`REVIEW_STATES`] (default `approved`). */
  review_status?: string | null;
}

/** A comment from someone (another Instagram user by default), with its replies. */
export interface NewComment {
  /** The media commented on (given by the enclosing media in a scenario file). */
  media_id?: string | null;
  /** Makes this a reply to that comment. */
  parent_id?: string | null;
  /** Who comments: a sandbox account's username, or anyone's (default `instapub_fan`). */
  username?: string | null;
  text: string;
  like_count?: number | null;
  hidden?: boolean;
  /** A comment on a live broadcast: a `live_comments` webhook change instead of `comments`. */
  live?: boolean;
  /** Replies to this comment. */
  replies?: Array<NewComment>;
}

/** A new Facebook user. */
export interface NewFacebookUser {
  name: string;
}

/** An existing media object (one not published through the API). */
export interface NewMedia {
  user_id?: string | null;
  user?: string | null;
  /** `IMAGE`, `VIDEO` or `CAROUSEL_ALBUM` (any case). */
  media_type: string;
  /** `FEED`, `REELS`, `STORY` or `AD` (any case). */
  media_product_type: string;
  caption?: string | null;
  copyrighted_music?: boolean;
  like_count?: number | null;
  /** Lifetime insight values by metric. */
  insights?: Record<string, number> | null;
  /** Comments on it, with their replies. */
  comments?: Array<NewComment>;
}

/** An OAuth code minted as if the user had consented. */
export interface NewOauthCode {
  /** `facebook` or `instagram`. */
  login: string;
  /** A Facebook user (facebook) or an Instagram account (instagram; its username works too). */
  user_id: string;
  /** Default: the demo app. */
  app_id?: string | null;
  /** Default: every scope of the login. */
  scopes?: Array<string> | null;
  /** Scopes the user refused (reported as declined). */
  declined?: Array<string> | null;
  /** Default: the app's first redirect URI (the demo app's default is `http://localhost/callback`). */
  redirect_uri?: string | null;
}

/** A new Page. */
export interface NewPage {
  name: string;
  /** The Facebook user who administers it. */
  admin_id: string;
  /** The Instagram professional account linked to it, by id or username (none: a Page without Instagram). */
  instagram_user_id?: string | null;
  instagram_user?: string | null;
  /** A Business that owns it (`client: false`) or manages it for a client (`client: true`). */
  business_id?: string | null;
  client?: boolean;
}

/** A partnership ad code for a media object. */
export interface NewPartnershipCode {
  media_id: string;
  /** A fixed code (generated when absent). */
  code?: string | null;
  /** Seconds from now on the virtual clock; absent never expires. */
  expires_in?: number | null;
}

/** A rule as submitted. */
export interface NewRule {
  match?: Match;
  error?: FaultError | null;
  network?: Network | null;
  /** A fault of webhook deliveries instead of requests. */
  webhook?: WebhookFault | null;
  /** Fire at most this many times. */
  times?: number | null;
  /** Chance in [0, 1] that a matching request is hit (default 1). */
  probability?: number | null;
  /** Delay added before answering (webhook `delay`: virtual time the delivery is held). */
  latency_ms?: number | null;
}

/** A subscription set on the control plane (the App Dashboard's Webhooks product, plus the accounts' installs). */
export interface NewSubscription {
  /** Where deliveries go; verified with Meta's GET handshake first. */
  callback_url: string;
  /** Instagram fields (default: every field the sandbox sends: comments, live_comments, mentions, story_insights). */
  fields?: Array<string> | null;
  /** What the handshake sends as `hub.verify_token` (default: a random one). */
  verify_token?: string | null;
  /** `false`: deliveries name the changed fields only. */
  include_values?: boolean | null;
  /** The app (default: the demo app). */
  app_id?: string | null;
  /** The Instagram accounts to install the app on, by id or username (default: the demo account). */
  accounts?: Array<string> | null;
  /** `facebook` (default: through each account's Page, so every field reaches the app) or `instagram` (each account's own install: comments and live_comments). */
  login?: Login | null;
}

/** The App Dashboard's Test button. */
export interface NewTest {
  /** comments, live_comments, mentions, story_insights or messages. */
  field: string;
  app_id?: string | null;
}

/** A new token for an account. */
export interface NewToken {
  user_id?: string | null;
  /** The account by username, instead of `user_id`. */
  user?: string | null;
  /** A fixed value (generated when absent). */
  access_token?: string | null;
  /** Default: every permission the sandbox knows. */
  permissions?: Array<string> | null;
  /** Seconds from now on the virtual clock; absent never expires. */
  expires_in?: number | null;
}

/** A minted OAuth code. */
export interface OauthCode {
  code: string;
  /** `facebook` or `instagram`. */
  login: string;
  app_id: string;
  user_id: string;
  scopes: Array<string>;
  declined: Array<string>;
  redirect_uri: string;
  /** Seconds until the code expires. */
  expires_in: number;
}

/** A Facebook Page, administered by a Facebook user, maybe linked to an Instagram account. */
export interface Page {
  id: string;
  name: string;
  admin_id: string;
  ig_account_id?: string | null;
  /** Its Business, and whether the Business owns it or manages it for a client. */
  business_id?: string | null;
  client: boolean;
}

/** A created partnership code. */
export interface PartnershipCode {
  code: string;
  media_id: string;
  /** Unix seconds (virtual clock). */
  expires_at?: number | null;
}

/** A permission and the calls that needed it. */
export interface PermissionUse {
  /** The permission, by its Facebook Login scope name. */
  permission: string;
  /** Every scope that grants it (Instagram Login's twin too). */
  scopes: Array<string>;
  calls: number;
  endpoints: Array<string>;
}

/** Scopes granted at login against the permissions calls needed. */
export interface Permissions {
  /** Every scope the app's logins granted. */
  granted: Array<string>;
  /** Permissions that calls used, with the calls (what a reviewer asks to see). */
  used: Array<PermissionUse>;
  /** Granted scopes no call used. */
  requested_not_used: Array<string>;
  /** Permissions calls needed that the token lacked. */
  used_not_requested: Array<PermissionUse>;
}

/** A product in a catalog. */
export interface Product {
  id: string;
  catalog_id: string;
  retailer_id: string;
  name: string;
  /** `approved`, `pending`, `rejected` or `outdated`, as Graph reports it. */
  review_status: string;
}

/** How an app reacted to an error, judged by the catalog entry's action. */
export interface Reaction {
  kind: ReactionKind;
  /** The entry whose answer it reacted to (none for a container published twice). */
  entry?: string | null;
  /** Whether the reaction is what the action asks for (findings are the others). */
  good: boolean;
  /** The request log's sequence numbers of the calls involved, the error's first (`GET /_sandbox/requests`, the dashboard's Requests page). */
  requests: Array<number>;
  message: string;
}

/** Kinds of reaction. */
export type ReactionKind = 'retried_unchanged' | 'retried_too_often' | 'retried_too_soon' | 'never_recreated' | 'recreated' | 'published_without_polling' | 'polled' | 'published_twice' | 'ignored_throttle' | 'quota_not_checked' | 'token_not_refreshed' | 'token_refreshed';

/** `GET /_sandbox/report`. */
export interface Report {
  /** `instapub.report/1`. */
  schema: string;
  /** One section per app that made calls or had a login grant scopes. */
  apps: Array<AppReport>;
  /** Every finding, flat: what a CI system shows as a failing test case each. */
  findings: Array<Finding>;
}

/** A stored rule. */
export interface Rule {
  id: string;
  match: Match;
  error?: FaultError | null;
  /** The catalog entry `error` resolved to. */
  entry?: string | null;
  network?: Network | null;
  webhook?: WebhookFault | null;
  times?: number | null;
  probability: number;
  latency_ms: number;
  /** How often it fired. */
  hits: number;
}

/** A list answered in full: `{"data": [...]}`. */
export interface RuleList {
  data: Array<Rule>;
}

/** What an update or a delete answers. */
export interface Success {
  success: boolean;
}

/** A created token. */
export interface Token {
  access_token: string;
  user_id: string;
  permissions: Array<string>;
  /** Unix seconds (virtual clock); `null`: it does not expire. */
  expires_at?: number | null;
}

/** An event to make happen, from real state (`instapub trigger`). */
export interface Trigger {
  /** comments, live_comments, mentions or story_insights. */
  field: string;
  /** The account the event is about, by id or username (default: the demo account). */
  account?: string | null;
  /** comments, live_comments: the media commented on (default: the account's newest, or a new one); mentions: someone else's media to comment on (default: a new post of `from` mentioning the account in its caption); story_insights: the story (default: the account's newest, or a new one). */
  media_id?: string | null;
  /** The comment's or caption's text. */
  text?: string | null;
  /** Who comments or mentions: a username (default `instapub_fan`, or `instapub_friend` for mentions, created as an account when needed). */
  username?: string | null;
}

/** What `POST /_sandbox/webhooks/trigger` made happen. */
export interface Triggered {
  field: string;
  /** The account the change is about (`entry.id`). */
  account_id: string;
  media_id: string;
  comment_id?: string | null;
}

/** Where a version stands on the virtual clock. */
export type VersionState = 'current' | 'sunset_soon' | 'retired';

/** A Graph version an app's calls asked for. */
export interface VersionUse {
  version: string;
  calls: number;
  /** The last day Meta serves it (none: no end announced). */
  until?: string | null;
  state: VersionState;
}

/** One POST of a delivery and what came back. */
export interface WebhookAttempt {
  n: number;
  /** Unix ms (virtual clock). */
  at: number;
  url: string;
  request_headers: Array<Header>;
  /** `null`: no HTTP answer (refused, timed out, dropped). */
  status?: number | null;
  latency_ms: number;
  response_headers: Array<Header>;
  /** The answer's first 4 KiB. */
  response_body: string;
  error?: string | null;
}

/** One webhook delivery and every attempt at it (GitHub's deliveries page, as data). */
export interface WebhookDelivery {
  id: string;
  app_id: string;
  callback_url: string;
  /** The `Facebook-API-Version` it was sent with. */
  version: string;
  /** The fields of its changes. */
  fields: Array<string>;
  /** `pending` (waiting for its next attempt), `delivered` or `dropped`. */
  state: string;
  /** Unix ms (virtual clock). */
  created_at: number;
  /** Unix ms of the next attempt while pending. */
  next_attempt_at?: number | null;
  /** The delivery this one sends again (Redeliver). */
  redelivery_of?: string | null;
  /** A Test-button sample, not a real event. */
  test: boolean;
  /** The body as signed and sent. */
  body: string;
  attempts: Array<WebhookAttempt>;
}

/** A list answered in full: `{"data": [...]}`. */
export interface WebhookDeliveryList {
  data: Array<WebhookDelivery>;
}

/** Ways a webhook delivery goes wrong, as Meta's deliveries do. */
export type WebhookFault = 'duplicate' | 'out_of_order' | 'delay' | 'bad_signature' | 'drop' | 'timeout';

/** A subscribed field and the Graph version its payloads are shaped by. */
export interface WebhookField {
  name: string;
  version: string;
}

/** A webhook subscription as the control plane set it, with the accounts it reaches. */
export interface WebhookSubscription {
  app_id: string;
  object: string;
  callback_url: string;
  verify_token: string;
  active: boolean;
  fields: Array<WebhookField>;
  /** `facebook` (through each account's Page) or `instagram` (each account's own install). */
  login: string;
  /** The Instagram accounts whose changes reach the callback. */
  accounts: Array<string>;
}
