using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;

namespace Crosstalk.Web.Security;

/// <summary>
/// Refuses every request that does not carry the access token. The token arrives once in the query string (the URL
/// the server printed), is then kept in an HttpOnly, SameSite=Strict cookie, and the browser is redirected to the same
/// URL without it so it does not linger in the address bar. Scripts and tools may send <c>Authorization: Bearer</c>.
/// </summary>
internal sealed class AccessTokenMiddleware(RequestDelegate next, string token)
{
    public const string CookieName = "crosstalk_token";
    public const string QueryName = "token";

    private readonly byte[] _token = Encoding.UTF8.GetBytes(token);

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.Query.TryGetValue(QueryName, out var fromQuery) && Matches(fromQuery.ToString()))
        {
            context.Response.Cookies.Append(CookieName, token, new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Path = "/",
                IsEssential = true,
            });
            if (HttpMethods.IsGet(request.Method))
            {
                var query = new QueryBuilder(request.Query.Where(q => q.Key != QueryName).SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string>(q.Key, v ?? string.Empty))));
                context.Response.Redirect(request.PathBase + request.Path + query.ToQueryString());
                return;
            }

            await next(context).ConfigureAwait(false);
            return;
        }

        if ((request.Cookies.TryGetValue(CookieName, out var fromCookie) && Matches(fromCookie))
            || (request.Headers.Authorization.ToString() is { } authorization
                && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                && Matches(authorization["Bearer ".Length..].Trim())))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Access token needed</title></head><body>"
            + "<h1>Access token needed</h1><p>This Crosstalk server needs its access token. Open the full URL that "
            + "<code>crosstalk serve</code> printed (it ends with <code>?token=…</code>).</p></body></html>",
            context.RequestAborted).ConfigureAwait(false);
    }

    private bool Matches(string? candidate) =>
        candidate is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(candidate), _token);
}
