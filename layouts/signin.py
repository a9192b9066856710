"""The sign-in page: a small server-rendered form (works without JavaScript), styled by the vendored Bootstrap."""

from __future__ import annotations

from markupsafe import Markup, escape

BOOTSTRAP = "/assets/vendor/bootstrap/bootstrap.min.css"

PAGE = """<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · Pathways</title>
<link rel="stylesheet" href="{bootstrap}">
<link rel="icon" href="/assets/favicon.ico">
</head>
<body class="bg-light">
<main class="container py-5" style="max-width: 28rem">
<h1 class="h3 mb-3">Sign in to Pathways</h1>
<p class="text-secondary">Reducing reoffending performance, pan-Dorset.</p>
{message}
<form method="post" action="/login" class="card card-body shadow-sm" novalidate>
<input type="hidden" name="next" value="{next}">
<div class="mb-3">
<label class="form-label" for="username">Username</label>
<input class="form-control" id="username" name="username" autocomplete="username" required value="{username}"
 autofocus>
</div>
<div class="mb-3">
<label class="form-label" for="password">Password</label>
<input class="form-control" id="password" name="password" type="password" autocomplete="current-password" required>
</div>
<button class="btn btn-primary" id="sign-in" type="submit">Sign in</button>
</form>
{public}
<p class="mt-4 small text-secondary">No account? Ask your data officer (an admin) to add you with
<code>python -m dashboard users add NAME --role viewer</code>.</p>
</main>
</body>
</html>
"""


def page(*, next_url: str = "/", username: str = "", error: str = "", notice: str = "", public: bool = False) -> str:
    """The sign-in page; `error` (alert) or `notice` (status) above the form; every value HTML-escaped."""
    message = ""
    if error:
        message = f'<div class="alert alert-danger" role="alert" id="sign-in-error">{escape(error)}</div>'
    elif notice:
        message = f'<div class="alert alert-info" role="status" id="sign-in-notice">{escape(notice)}</div>'
    browse = '<p class="mt-3"><a href="/">Browse the published measures without signing in</a></p>'
    return PAGE.format(
        bootstrap=BOOTSTRAP,
        message=Markup(message),
        next=escape(next_url),
        username=escape(username),
        public=Markup(browse) if public else "",
    )
