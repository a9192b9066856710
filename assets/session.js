// A sign-in that expires while a page is open makes Dash's requests fail with 401: reload the page, so the
// server can send the sign-in page (which comes back here afterwards).
(function () {
    if (!window.fetch) {
        return;
    }
    var original = window.fetch;
    var reloading = false;
    window.fetch = function (resource, init) {
        return original.call(this, resource, init).then(function (response) {
            var url = String((resource && resource.url) || resource);
            if (response.status === 401 && url.indexOf("/_dash-") !== -1 && !reloading) {
                reloading = true;
                window.location.reload();
            }
            return response;
        });
    };
})();
