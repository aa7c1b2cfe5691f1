// The most one admission review may ask of the webhook. Every cap is checked before the work it
// bounds (a length before any parse, a count before a loop), and a denial names the cap, so a
// single pod can never hold up the reviews of every other pod, nor grow the webhook's memory.

/** Keys and values of all annotations together: Kubernetes' own limit, which the API server
 * would apply after admission anyway (counted in characters, which never exceed the bytes). */
export const MAX_ANNOTATIONS_CHARS = 256 * 1024;

/** Secrets (and so templates) one pod may declare; each is a template stanza in two configs. */
export const MAX_SECRETS = 256;

/** Go-template tokens (text runs, delimiters, words) parsed per pod, over all its templates. */
export const MAX_GO_TEMPLATE_TOKENS = 32_768;

/** Handlebars tokens (an upper estimate, counted before parsing) per pod, over all its templates:
 * the Handlebars parser costs several microseconds a token. */
export const MAX_HANDLEBARS_TOKENS = 4096;

/** Handlebars block nesting; its parser slows down with the square of the depth. */
export const MAX_HANDLEBARS_DEPTH = 32;

/** Template delimiters; real ones are two or three characters. */
export const MAX_DELIMITER_LENGTH = 32;

/** Operations in one `agent-json-patch` / `agent-init-json-patch` (each costs tens of microseconds). */
export const MAX_CONTAINER_PATCH_OPERATIONS = 256;

/**
 * How many JSON values the operations of one container patch may copy, clone or compare (a string
 * counts one more per KiB). Each `copy` could otherwise double the container (thirty of them:
 * gigabytes), and each `move` or `test` walks a value as large as the agent config.
 */
export const MAX_PATCH_WORK = 16_384;

/** The JSON patch of one pod; the patched pod must still fit in etcd (1.5 MiB). */
export const MAX_PATCH_BYTES = 1024 * 1024;
