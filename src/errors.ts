// The one error catalogue: every error a client can receive, with a stable code, an HTTP
// status and a message a person can act on. Services throw AppError; http/ maps it once.
// docs/ERRORS.md lists the same codes (a test keeps them in step).

export const errorCatalogue = {
  // Request shape
  VALIDATION_FAILED: { status: 400, message: 'The request is not valid: {detail}' },
  MALFORMED_JSON: { status: 400, message: 'The request body is not valid JSON: {detail}' },
  BODY_TOO_LARGE: { status: 413, message: 'The request body is larger than the limit of {limit} bytes.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Content-Type {type} is not accepted here; send application/json.' },
  NOT_FOUND: { status: 404, message: 'No such {what}.' },
  ROUTE_NOT_FOUND: { status: 404, message: 'There is no {method} {url} on this hub.' },
  METHOD_NOT_ALLOWED: { status: 405, message: '{method} is not allowed here.' },
  RATE_LIMITED: { status: 429, message: 'Too many requests; try again in {retryAfter} seconds.' },
  INTERNAL: { status: 500, message: 'Something went wrong on the hub. The operator can find request {requestId} in the log.' },
  CONFLICT: { status: 409, message: 'Someone changed the same thing at the same moment ({detail}); reload and try again.' },
  UNAVAILABLE: { status: 503, message: 'The hub is not ready: {detail}' },

  // Authentication
  AUTH_REQUIRED: { status: 401, message: 'Sign in, or send an API token (Authorization: Bearer … or HTTP Basic).' },
  AUTH_INVALID_CREDENTIALS: { status: 401, message: 'Email or password is wrong.' },
  AUTH_TOTP_REQUIRED: { status: 401, message: 'Enter the six-digit code from your authenticator app.' },
  AUTH_TOTP_INVALID: { status: 401, message: 'That authenticator code is wrong or has expired.' },
  AUTH_ACCOUNT_LOCKED: { status: 423, message: 'Too many failed sign-ins: the account is locked until {until}.' },
  AUTH_ACCOUNT_DISABLED: { status: 403, message: 'This account is disabled; ask your organisation admin.' },
  AUTH_TOKEN_INVALID: { status: 401, message: 'The API token is not valid.' },
  AUTH_TOKEN_EXPIRED: { status: 401, message: 'The API token expired on {at}; create a new one.' },
  AUTH_TOKEN_REVOKED: { status: 401, message: 'The API token was revoked on {at}.' },
  AUTH_SESSION_EXPIRED: { status: 401, message: 'Your session has ended; sign in again.' },
  CSRF_INVALID: { status: 403, message: 'Missing or wrong CSRF token: send the X-CSRF-Token header from GET /api/me.' },
  TOTP_ENROLMENT_REQUIRED: { status: 403, message: 'The hub requires administrators to use an authenticator app: set it up under Account first.' },
  TOTP_ALREADY_ENABLED: { status: 409, message: 'Two-factor sign-in is already on for this account.' },
  TOTP_NOT_SET_UP: { status: 409, message: 'Start the authenticator set-up first.' },
  PASSWORD_TOO_WEAK: { status: 400, message: 'Choose a password of at least {min} characters that is not a common one.' },
  PASSWORD_WRONG: { status: 403, message: 'The current password is wrong.' },
  LINK_INVALID: { status: 400, message: 'This link is not valid, or was already used.' },
  LINK_EXPIRED: { status: 410, message: 'This link has expired; ask for a new one.' },

  // Permissions
  FORBIDDEN: { status: 403, message: 'You are not allowed to {action}.' },
  SCOPE_INSUFFICIENT: { status: 403, message: 'This API token lacks the {scope} scope needed here.' },
  OBSERVER_READ_ONLY: { status: 403, message: 'Observer organisations have read-only access.' },

  // Members
  ORG_NAME_TAKEN: { status: 409, message: 'An organisation named "{name}" already exists.' },
  ORG_OWNS_GROUPS: { status: 409, message: 'The organisation owns {count} sharing group(s); delete them first.' },
  ORG_NOT_EMPTY: { status: 409, message: 'The organisation still has {count} user(s); disable or move them first.' },
  EMAIL_TAKEN: { status: 409, message: 'An account with the email {email} already exists.' },
  INVITATION_PENDING: { status: 409, message: 'An invitation for {email} is already waiting; revoke it or let it expire.' },
  GROUP_NAME_TAKEN: { status: 409, message: 'A sharing group named "{name}" already exists.' },
  GROUP_OWNER_REQUIRED: { status: 409, message: 'The owner organisation always belongs to "{group}" and cannot be removed; delete the group instead.' },
  ASSET_INVALID: { status: 400, message: '{kind} "{value}" is not valid: {detail}' },
  ASSETS_TOO_MANY: { status: 400, message: 'An organisation can list at most {limit} {kind}; keep the ones that matter most.' },
  LAST_OPERATOR: { status: 409, message: 'The hub needs at least one active operator.' },
  LAST_ADMIN: { status: 409, message: 'The organisation needs at least one active admin.' },

  // Sharing and warnings
  TLP_UNKNOWN: { status: 400, message: 'TLP "{tlp}" is not one of CLEAR, GREEN, AMBER, AMBER+STRICT, RED.' },
  RED_NEEDS_RECIPIENTS: { status: 400, message: 'TLP:RED can only go to named organisations: choose the recipients.' },
  PUBLIC_NEEDS_CLEAR: { status: 400, message: 'Only TLP:CLEAR can be shared publicly.' },
  AUDIENCE_EMPTY: { status: 400, message: 'Choose at least one {what} for the audience.' },
  AUDIENCE_NOT_ALLOWED: { status: 403, message: 'You cannot share with {what}: your organisation is not a member of it.' },
  ANONYMOUS_NEEDS_ORG: { status: 400, message: 'Anonymous sharing hides your organisation, so it needs one: operators without an organisation share as the hub.' },
  TEXT_TOO_LARGE: { status: 413, message: 'The {what} is larger than the limit of {limit} characters.' },
  TOO_MANY_INDICATORS: { status: 400, message: 'A warning can carry at most {limit} indicators; split it or attach a file to a report.' },
  INDICATOR_INVALID: { status: 400, message: '{type} "{value}" is not valid.' },
  WARNING_RETRACTED: { status: 409, message: 'The warning was retracted on {at} and can no longer change.' },
  WARNING_NOT_YOURS: { status: 403, message: 'Only the organisation that sent a warning can change or retract it.' },
  VERSION_CONFLICT: { status: 409, message: 'The warning changed since you loaded it (now version {version}); reload and try again.' },
  URL_REFUSED: { status: 400, message: 'The URL {url} is refused: {reason}.' },
  STREAM_CURSOR_EXPIRED: { status: 410, message: 'Events before {id} are no longer kept; reload the full list.' },

  // STIX and TAXII
  TAXII_NOT_ACCEPTABLE: { status: 406, message: 'This TAXII server answers application/taxii+json;version=2.1 only: send it in the Accept header.' },
  TAXII_UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Content-Type {type} is not accepted: post application/taxii+json;version=2.1.' },
  TAXII_BAD_PARAMETER: { status: 400, message: 'The parameter {name} is not valid: {detail}.' },
  TAXII_BAD_CURSOR: { status: 400, message: 'The "next" value is not valid: {detail}.' },
  TAXII_UNPROCESSABLE: { status: 422, message: 'The body cannot be processed: {detail}.' },
  TAXII_OBJECT_IN_WARNING: { status: 409, message: 'This object belongs to a warning: retract the warning in the hub instead, so its recipients are told.' },
  TLP_WIDER_THAN_COLLECTION: { status: 400, message: 'TLP:{tlp} is not allowed in the collection "{collection}".' },
  STIX_BUNDLE_INVALID: { status: 400, message: 'The file is not a usable STIX bundle: {detail}.' },
  STIX_FILE_UNREADABLE: { status: 400, message: 'Cannot read the file {file}: {reason}.' },
  STIX_IMPORT_EMPTY: { status: 400, message: 'The upload is empty: choose a STIX 2.1 bundle file (JSON).' },
  STIX_IMPORT_TOO_LARGE: { status: 413, message: 'The bundle is larger than the upload limit of {limit} bytes: split it, or have an operator import it on the hub with `tocsin stix import`.' },
  STIX_IMPORT_UNSUPPORTED_TYPE: { status: 415, message: 'Content-Type {type} is not accepted here: send the bundle file as application/json or application/stix+json.' },
  STIX_IMPORT_STOPPED: { status: 503, message: 'The import stopped: {detail}.' },

  // Federation
  PEER_NAME_TAKEN: { status: 409, message: 'A peer hub named "{name}" already exists.' },
  PEER_TOKEN_TAKEN: { status: 409, message: 'That token already speaks for the peer hub "{name}"; give each peer its own.' },
  PEER_BUSY: { status: 409, message: 'The peer hub {name} is being synchronised right now; try again in a moment.' },
  PEER_DISABLED: { status: 409, message: 'The peer hub {name} is disabled; enable it first.' },
  PEER_RUN_FAILED: { status: 502, message: 'The {what} with the peer hub failed: {detail}' },

  // Phishing check
  PHISHING_EMPTY: { status: 400, message: 'No email was received: choose the saved email file, or paste the whole message source.' },
  PHISHING_TOO_LARGE: { status: 413, message: 'The email is larger than the limit of {limit} bytes; save it without large attachments, or forward it to the mailbox.' },
  PHISHING_UNSUPPORTED_TYPE: { status: 415, message: 'Content-Type {type} is not accepted here: send the email as message/rfc822, application/vnd.ms-outlook, application/octet-stream or text/plain, as a multipart/form-data upload, or as JSON {"source": "…"}.' },
  PHISHING_ALREADY_SHARED: { status: 409, message: 'This report was already shared with the hub on {at}.' },
  PHISHING_NOT_SHAREABLE: { status: 400, message: 'The email could not be read, so there is nothing to share with the hub.' },

  // Email alerts
  ALERT_GROUP_NOT_ALLOWED: { status: 400, message: 'The alert filter names sharing group {groupId}, which {whose} organisation does not belong to: filter only by groups it is a member of.' },

  // Feeds
  FEED_NAME_TAKEN: { status: 409, message: 'A feed named "{name}" already exists.' },
  FEED_FILE_REFUSED: { status: 400, message: 'The feed file {file} is refused: {reason}.' },
  FEED_OPTIONS_INVALID: { status: 400, message: 'The settings of the {kind} feed are not valid: {detail}' },
  FEED_BUSY: { status: 409, message: 'The feed {name} is running right now; follow that run, or try again when it ends.' },
  FEED_DISABLED: { status: 409, message: 'The feed {name} is disabled; enable it first.' },
  FEED_RUN_FAILED: { status: 502, message: 'The run of the feed {name} failed: {detail}' },

  // Intel: lookup, search, sightings, trends, warning lists
  LOOKUP_EMPTY: { status: 400, message: 'Send at least one value to look up, as {"values": ["…"]}.' },
  LOOKUP_TOO_MANY: { status: 413, message: 'A lookup can carry at most {limit} values and this one has {count}: split it into several requests.' },
  LOOKUP_VALUE_INVALID: { status: 400, message: 'Value number {index} is not a string: send each value as a JSON string.' },
  INTEL_VALUE_INVALID: { status: 400, message: '"{value}" cannot be looked up: {reason}' },
  SIGHTINGS_TOO_MANY: { status: 413, message: 'A request can report at most {limit} sightings and this one has {count}: split it into several requests.' },
  SIGHTING_NEEDS_ORG: { status: 403, message: 'Sightings are counted per organisation: sign in as a member of one to report them.' },
  TRENDS_RANGE_INVALID: { status: 400, message: 'The time range is not valid: {detail}.' },
  WARNING_LIST_SHIPPED: { status: 409, message: 'The warning list "{name}" ships with the hub: it can be enabled or disabled, and your own entries go in a custom list.' },
  WARNING_LIST_ENTRY_INVALID: { status: 400, message: '{type} "{value}" is not a valid warning-list entry: {reason}' },
  WARNING_LIST_NAME_TAKEN: { status: 409, message: 'A warning list named "{name}" already exists.' },

  // Exports for members' tools
  EXPORT_FORMAT_UNKNOWN: { status: 400, message: 'There is no export format "{format}"; the formats are: {allowed}.' },
  EXPORT_OPTIONS_INVALID: { status: 400, message: 'The options of the {format} export are not valid: {detail}.' },
  EXPORT_NAME_TAKEN: { status: 409, message: 'Your organisation already has an export named "{name}".' },
  EXPORT_NEEDS_ORG: { status: 400, message: 'An export is read as one organisation: {detail}.' },
  EXPORT_TOKEN_INVALID: { status: 401, message: 'This export needs its device token (Bearer, Basic, or ?token=): the one given is missing, wrong or revoked.' },
  EXPORT_SINCE_INVALID: { status: 400, message: 'since must be a date and time (ISO 8601) in the past, such as 2026-12-01T00:00:00Z.' },

  // Reports
  REPORT_PERIOD_INVALID: { status: 400, message: 'The report period is not valid: {detail}.' },
  REPORT_IN_FUTURE: { status: 400, message: 'The {kind} report {period} covers time up to {until}, which has not passed yet.' },
  REPORT_BEFORE_HUB: { status: 400, message: 'There is no {kind} report {period}: it ends before the hub started ({since}).' },
  REPORT_SECTION_UNKNOWN: { status: 400, message: 'There is no report section "{section}"; the sections are: {allowed}.' },
  REPORT_KIND_UNKNOWN: { status: 400, message: 'There is no report kind "{kind}"; the kinds are: {allowed}.' },
  REPORT_RECIPIENT_INVALID: { status: 400, message: '"{email}" is not an email address a report can be sent to.' },
  REPORT_RECIPIENT_EXISTS: { status: 409, message: '{email} already receives the public edition.' },
  REPORT_RECIPIENT_UNSUBSCRIBED: { status: 409, message: '{email} unsubscribed on {at}: only they can choose to receive the public edition again.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof errorCatalogue;

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    readonly params: Record<string, string | number> = {},
    /** Extra machine-readable detail (e.g. which fields failed). */
    readonly details?: unknown,
  ) {
    const entry = errorCatalogue[code];
    super(entry.message.replace(/\{(\w+)\}/g, (_, k: string) => String(params[k] ?? `{${k}}`)));
    this.name = 'AppError';
    this.status = entry.status;
  }
}

export function notFound(what: string): AppError {
  return new AppError('NOT_FOUND', { what });
}

export function forbidden(action: string): AppError {
  return new AppError('FORBIDDEN', { action });
}
