"""The portal's Content-Security-Policy: what every page may load and run, as a <meta> tag and as host headers.

The pages carry no inline script, inline style or event-handler attribute, so the policy allows scripts and
styles only from the site's own files. Pagefind compiles its search index reader to WebAssembly, which a
script-src without 'wasm-unsafe-eval' forbids (that source allows WebAssembly only, never eval()), and starts
a worker from a URL string, which Trusted Types allow only through the one policy assets/search.js creates
(named "default": script URLs under the site's pagefind/ folder, nothing else). The favicon is the empty
data: URL (it spares every visit a request for /favicon.ico), hence data: in img-src.
JSON-LD blocks (<script type="application/ld+json">) are data, never executed, so the policy does not concern
them; render.script_json keeps their text from closing or hiding the element. SECURITY.md explains each line."""

from __future__ import annotations

DIRECTIVES = [
    "default-src 'none'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "require-trusted-types-for 'script'",
    "trusted-types default",
]
# What each page's <meta http-equiv="Content-Security-Policy"> says.
POLICY = "; ".join(DIRECTIVES)
# A browser ignores frame-ancestors in a <meta> policy: only a response header can refuse framing, so a host
# sends this one (README, "Security headers"; `terbuka serve` sends it too).
HEADER = POLICY + "; frame-ancestors 'none'"

# The headers a static host should send with every file of the portal.
HEADERS = {
    "Content-Security-Policy": HEADER,
    "X-Content-Type-Options": "nosniff",  # a JSON or CSV file is never sniffed into HTML
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
