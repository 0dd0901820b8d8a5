"""Generated from the sandbox's OpenAPI document by crates/sandbox/tests/packages.rs:
the bodies and answers of the control plane. Do not edit."""

from __future__ import annotations

from typing import Any, Dict, List, Literal, Optional, TypedDict, Union


class _AccountRequired(TypedDict):
    id: str
    username: str
    restricted: bool
    spam_flagged: bool
    quota_total: int
    shopping_eligible: bool


class Account(_AccountRequired, total=False):
    """An account as the control plane shows it; a created one comes with its full-permission token."""

    access_token: Optional[str]


class _AccountListRequired(TypedDict):
    data: List["Account"]


class AccountList(_AccountListRequired, total=False):
    """A list answered in full: `{"data": [...]}`."""


class AccountPatch(TypedDict, total=False):
    """Changes to an account; absent fields stay as they are."""

    restricted: Optional[bool]
    spam_flagged: Optional[bool]
    quota_total: Optional[int]
    shopping_eligible: Optional[bool]
    name: Optional[str]
    biography: Optional[str]
    website: Optional[str]
    profile_picture_url: Optional[str]
    followers_count: Optional[int]
    follows_count: Optional[int]
    insights: Optional[Dict[str, int]]


class _AdvanceRequired(TypedDict):
    seconds: int


class Advance(_AdvanceRequired, total=False):
    """How far to move the virtual clock."""


class _AppRequired(TypedDict):
    app_id: str
    app_secret: str
    name: str
    redirect_uris: List[str]


class App(_AppRequired, total=False):
    """An app's identity: what a client is configured with."""


class _AppListRequired(TypedDict):
    data: List["App"]


class AppList(_AppListRequired, total=False):
    """A list answered in full: `{"data": [...]}`."""


class _AppReportRequired(TypedDict):
    errors_met: List["ErrorMet"]
    errors_not_met: List["ErrorNotMet"]
    reactions: List["Reaction"]
    versions: List["VersionUse"]
    older_authorize_logins: int
    permissions: "Permissions"


class AppReport(_AppReportRequired, total=False):
    """One app's report."""

    app_id: Optional[str]


class AppSettings(TypedDict, total=False):
    """App-wide settings; absent fields stay as they are."""

    ads_audio_swap_enabled: Optional[bool]
    app_calls_per_hour: Optional[int]
    account_calls_per_hour: Optional[int]
    require_appsecret_proof: Optional[bool]
    default_version: Optional[str]


class _AppStateRequired(TypedDict):
    app_calls_per_hour: int
    account_calls_per_hour: int
    ads_audio_swap_enabled: bool
    require_appsecret_proof: bool
    default_version: str
    media_store: "MediaStore"


class AppState(_AppStateRequired, total=False):
    """App-wide settings and the media store's use."""


class _BusinessRequired(TypedDict):
    id: str
    name: str
    owner_id: str


class Business(_BusinessRequired, total=False):
    """A Business owned by a Facebook user."""


class _CatalogRequired(TypedDict):
    id: str
    account_id: str
    name: str
    products: List["Product"]


class Catalog(_CatalogRequired, total=False):
    """A product catalog owned by an account."""


class _ClockRequired(TypedDict):
    now: int
    offset_seconds: int


class Clock(_ClockRequired, total=False):
    """The virtual clock."""


class _CommentsRequired(TypedDict):
    ids: List[str]


class Comments(_CommentsRequired, total=False):
    """Created comments: the first's id, and every id in order (the comment, then its replies)."""

    id: Optional[str]


class _ErrorMetRequired(TypedDict):
    entry: str
    key: str
    count: int
    from_faults: int
    from_conditions: int
    endpoints: List[str]
    accounts: List[str]


class ErrorMet(_ErrorMetRequired, total=False):
    """A catalog error an app met."""


class _ErrorNotMetRequired(TypedDict):
    entry: str
    key: str
    summary: str
    fault_rule: Any
    python: str
    node: str
    rust: str


class ErrorNotMet(_ErrorNotMetRequired, total=False):
    """An error an app's tests never met."""


class FaultError(TypedDict, total=False):
    """The error a rule answers with: a catalog entry named by subcode or by code."""

    subcode: Optional[int]
    code: Optional[int]


FaultTarget = Literal["create_media", "media_publish", "container_status", "content_publishing_limit", "media_read", "user_read", "ig_audio", "upload", "catalogs", "media_write", "comments", "insights", "login", "accounts", "webhooks"]


class _FbUserRequired(TypedDict):
    id: str
    name: str


class FbUser(_FbUserRequired, total=False):
    """A Facebook user."""


class _FileRequired(TypedDict):
    name: str
    size: int
    url: str


class File(_FileRequired, total=False):
    """A hosted file."""


class _FindingRequired(TypedDict):
    kind: "FindingKind"
    message: str


class Finding(_FindingRequired, total=False):
    """What the report found, one item per thing to act on."""

    app_id: Optional[str]
    entry: Optional[str]
    permission: Optional[str]


FindingKind = Literal["error_not_met", "permission_not_used", "permission_not_requested", "reaction", "version"]


class _HeaderRequired(TypedDict):
    name: str
    value: str


class Header(_HeaderRequired, total=False):
    """An HTTP header."""


class _LoggedRequired(TypedDict):
    seq: int
    at: int
    method: str
    path: str
    body: str
    status: int
    response: str


class Logged(_LoggedRequired, total=False):
    """One logged exchange."""

    query: Optional[str]
    error_code: Optional[int]
    error_subcode: Optional[int]
    detail: Optional[str]


class _LoggedListRequired(TypedDict):
    data: List["Logged"]


class LoggedList(_LoggedListRequired, total=False):
    """A list answered in full: `{"data": [...]}`."""


Login = Literal["facebook", "instagram"]


class Match(TypedDict, total=False):
    """Conditions; every given one must hold."""

    endpoint: Optional["FaultTarget"]
    user_id: Optional[str]
    media_type: Optional[str]
    field: Optional[str]


class _MediaRequired(TypedDict):
    id: str
    media_type: str
    media_product_type: str
    copyrighted_music: bool


class Media(_MediaRequired, total=False):
    """A seeded media object."""


class _MediaActivityRequired(TypedDict):
    id: str
    like_count: int
    comment_enabled: bool


class MediaActivity(_MediaActivityRequired, total=False):
    """A media object's staged activity."""


class MediaPatch(TypedDict, total=False):
    """Activity on a media; absent fields stay as they are."""

    like_count: Optional[int]
    comment_enabled: Optional[bool]
    insights: Optional[Dict[str, int]]


class _MediaStoreRequired(TypedDict):
    used_bytes: int
    max_bytes: int


class MediaStore(_MediaStoreRequired, total=False):
    """Bytes of published media kept, and the most kept."""


Network = Literal["reset", "truncate", "slow_body"]


class _NewAccountRequired(TypedDict):
    username: str


class NewAccount(_NewAccountRequired, total=False):
    """A new account."""

    restricted: bool
    spam_flagged: bool
    quota_total: Optional[int]
    shopping_eligible: bool
    access_token: Optional[str]
    name: Optional[str]
    biography: Optional[str]
    website: Optional[str]
    profile_picture_url: Optional[str]
    followers_count: Optional[int]
    follows_count: Optional[int]
    insights: Optional[Dict[str, int]]


class _NewAppRequired(TypedDict):
    redirect_uris: List[str]


class NewApp(_NewAppRequired, total=False):
    """A new app."""

    name: Optional[str]
    app_id: Optional[str]
    app_secret: Optional[str]


class _NewBusinessRequired(TypedDict):
    name: str
    owner_id: str


class NewBusiness(_NewBusinessRequired, total=False):
    """A new Business."""


class _NewCatalogRequired(TypedDict):
    name: str


class NewCatalog(_NewCatalogRequired, total=False):
    """A product catalog."""

    user_id: Optional[str]
    user: Optional[str]
    products: List["NewCatalogProduct"]


class _NewCatalogProductRequired(TypedDict):
    name: str


class NewCatalogProduct(_NewCatalogProductRequired, total=False):
    """A product of a [`NewCatalog`]."""

    retailer_id: Optional[str]
    review_status: Optional[str]


class _NewCommentRequired(TypedDict):
    text: str


class NewComment(_NewCommentRequired, total=False):
    """A comment from someone (another Instagram user by default), with its replies."""

    media_id: Optional[str]
    parent_id: Optional[str]
    username: Optional[str]
    like_count: Optional[int]
    hidden: bool
    live: bool
    replies: List["NewComment"]


class _NewFacebookUserRequired(TypedDict):
    name: str


class NewFacebookUser(_NewFacebookUserRequired, total=False):
    """A new Facebook user."""


class _NewMediaRequired(TypedDict):
    media_type: str
    media_product_type: str


class NewMedia(_NewMediaRequired, total=False):
    """An existing media object (one not published through the API)."""

    user_id: Optional[str]
    user: Optional[str]
    caption: Optional[str]
    copyrighted_music: bool
    like_count: Optional[int]
    insights: Optional[Dict[str, int]]
    comments: List["NewComment"]


class _NewOauthCodeRequired(TypedDict):
    login: str
    user_id: str


class NewOauthCode(_NewOauthCodeRequired, total=False):
    """An OAuth code minted as if the user had consented."""

    app_id: Optional[str]
    scopes: Optional[List[str]]
    declined: Optional[List[str]]
    redirect_uri: Optional[str]


class _NewPageRequired(TypedDict):
    name: str
    admin_id: str


class NewPage(_NewPageRequired, total=False):
    """A new Page."""

    instagram_user_id: Optional[str]
    instagram_user: Optional[str]
    business_id: Optional[str]
    client: bool


class _NewPartnershipCodeRequired(TypedDict):
    media_id: str


class NewPartnershipCode(_NewPartnershipCodeRequired, total=False):
    """A partnership ad code for a media object."""

    code: Optional[str]
    expires_in: Optional[int]


class NewRule(TypedDict, total=False):
    """A rule as submitted."""

    match: "Match"
    error: Optional["FaultError"]
    network: Optional["Network"]
    webhook: Optional["WebhookFault"]
    times: Optional[int]
    probability: Optional[float]
    latency_ms: Optional[int]


class _NewSubscriptionRequired(TypedDict):
    callback_url: str


class NewSubscription(_NewSubscriptionRequired, total=False):
    """A subscription set on the control plane (the App Dashboard's Webhooks product, plus the accounts' installs)."""

    fields: Optional[List[str]]
    verify_token: Optional[str]
    include_values: Optional[bool]
    app_id: Optional[str]
    accounts: Optional[List[str]]
    login: Optional["Login"]


class _NewTestRequired(TypedDict):
    field: str


class NewTest(_NewTestRequired, total=False):
    """The App Dashboard's Test button."""

    app_id: Optional[str]


class NewToken(TypedDict, total=False):
    """A new token for an account."""

    user_id: Optional[str]
    user: Optional[str]
    access_token: Optional[str]
    permissions: Optional[List[str]]
    expires_in: Optional[int]


class _OauthCodeRequired(TypedDict):
    code: str
    login: str
    app_id: str
    user_id: str
    scopes: List[str]
    declined: List[str]
    redirect_uri: str
    expires_in: int


class OauthCode(_OauthCodeRequired, total=False):
    """A minted OAuth code."""


class _PageRequired(TypedDict):
    id: str
    name: str
    admin_id: str
    client: bool


class Page(_PageRequired, total=False):
    """A Facebook Page, administered by a Facebook user, maybe linked to an Instagram account."""

    ig_account_id: Optional[str]
    business_id: Optional[str]


class _PartnershipCodeRequired(TypedDict):
    code: str
    media_id: str


class PartnershipCode(_PartnershipCodeRequired, total=False):
    """A created partnership code."""

    expires_at: Optional[int]


class _PermissionUseRequired(TypedDict):
    permission: str
    scopes: List[str]
    calls: int
    endpoints: List[str]


class PermissionUse(_PermissionUseRequired, total=False):
    """A permission and the calls that needed it."""


class _PermissionsRequired(TypedDict):
    granted: List[str]
    used: List["PermissionUse"]
    requested_not_used: List[str]
    used_not_requested: List["PermissionUse"]


class Permissions(_PermissionsRequired, total=False):
    """Scopes granted at login against the permissions calls needed."""


class _ProductRequired(TypedDict):
    id: str
    catalog_id: str
    retailer_id: str
    name: str
    review_status: str


class Product(_ProductRequired, total=False):
    """A product in a catalog."""


class _ReactionRequired(TypedDict):
    kind: "ReactionKind"
    good: bool
    requests: List[int]
    message: str


class Reaction(_ReactionRequired, total=False):
    """How an app reacted to an error, judged by the catalog entry's action."""

    entry: Optional[str]


ReactionKind = Literal["retried_unchanged", "retried_too_often", "retried_too_soon", "never_recreated", "recreated", "published_without_polling", "polled", "published_twice", "ignored_throttle", "quota_not_checked", "token_not_refreshed", "token_refreshed"]


class _ReportRequired(TypedDict):
    schema: str
    apps: List["AppReport"]
    findings: List["Finding"]


class Report(_ReportRequired, total=False):
    """`GET /_sandbox/report`."""


class _RuleRequired(TypedDict):
    id: str
    match: "Match"
    probability: float
    latency_ms: int
    hits: int


class Rule(_RuleRequired, total=False):
    """A stored rule."""

    error: Optional["FaultError"]
    entry: Optional[str]
    network: Optional["Network"]
    webhook: Optional["WebhookFault"]
    times: Optional[int]


class _RuleListRequired(TypedDict):
    data: List["Rule"]


class RuleList(_RuleListRequired, total=False):
    """A list answered in full: `{"data": [...]}`."""


class _SuccessRequired(TypedDict):
    success: bool


class Success(_SuccessRequired, total=False):
    """What an update or a delete answers."""


class _TokenRequired(TypedDict):
    access_token: str
    user_id: str
    permissions: List[str]


class Token(_TokenRequired, total=False):
    """A created token."""

    expires_at: Optional[int]


class _TriggerRequired(TypedDict):
    field: str


class Trigger(_TriggerRequired, total=False):
    """An event to make happen, from real state (`instapub trigger`)."""

    account: Optional[str]
    media_id: Optional[str]
    text: Optional[str]
    username: Optional[str]


class _TriggeredRequired(TypedDict):
    field: str
    account_id: str
    media_id: str


class Triggered(_TriggeredRequired, total=False):
    """What `POST /_sandbox/webhooks/trigger` made happen."""

    comment_id: Optional[str]


VersionState = Literal["current", "sunset_soon", "retired"]


class _VersionUseRequired(TypedDict):
    version: str
    calls: int
    state: "VersionState"


class VersionUse(_VersionUseRequired, total=False):
    """A Graph version an app's calls asked for."""

    until: Optional[str]


class _WebhookAttemptRequired(TypedDict):
    n: int
    at: int
    url: str
    request_headers: List["Header"]
    latency_ms: int
    response_headers: List["Header"]
    response_body: str


class WebhookAttempt(_WebhookAttemptRequired, total=False):
    """One POST of a delivery and what came back."""

    status: Optional[int]
    error: Optional[str]


class _WebhookDeliveryRequired(TypedDict):
    id: str
    app_id: str
    callback_url: str
    version: str
    fields: List[str]
    state: str
    created_at: int
    test: bool
    body: str
    attempts: List["WebhookAttempt"]


class WebhookDelivery(_WebhookDeliveryRequired, total=False):
    """One webhook delivery and every attempt at it (GitHub's deliveries page, as data)."""

    next_attempt_at: Optional[int]
    redelivery_of: Optional[str]


class _WebhookDeliveryListRequired(TypedDict):
    data: List["WebhookDelivery"]


class WebhookDeliveryList(_WebhookDeliveryListRequired, total=False):
    """A list answered in full: `{"data": [...]}`."""


WebhookFault = Literal["duplicate", "out_of_order", "delay", "bad_signature", "drop", "timeout"]


class _WebhookFieldRequired(TypedDict):
    name: str
    version: str


class WebhookField(_WebhookFieldRequired, total=False):
    """A subscribed field and the Graph version its payloads are shaped by."""


class _WebhookSubscriptionRequired(TypedDict):
    app_id: str
    object: str
    callback_url: str
    verify_token: str
    active: bool
    fields: List["WebhookField"]
    login: str
    accounts: List[str]


class WebhookSubscription(_WebhookSubscriptionRequired, total=False):
    """A webhook subscription as the control plane set it, with the accounts it reaches."""
