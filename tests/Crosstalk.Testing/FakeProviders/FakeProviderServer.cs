using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Crosstalk.Testing.FakeProviders;

/// <summary>
/// A loopback HTTP server (Kestrel on 127.0.0.1, a free port) that speaks one provider's wire format. Scriptable
/// (<see cref="Reply"/>, <see cref="TokenLatency"/>, <see cref="Enqueue"/> for recorded responses) and fault-injecting
/// (<see cref="Faults"/>); it keeps every request it received.
/// </summary>
public abstract partial class FakeProviderServer : IAsyncDisposable
{
    private const string ArrivedKey = "crosstalk.fake.arrived";

    private readonly ConcurrentQueue<RecordedResponse> _scripted = new();
    private readonly List<FakeRequest> _requests = [];
    private readonly Lock _gate = new();
    private WebApplication? _app;
    private int _count;
    private int _inFlight;
    private int _maxInFlight;
    private long _streamedReplies;
    private TimeSpan _streamedTime;

    /// <summary>The address the server listens on (<c>http://127.0.0.1:port</c>).</summary>
    public Uri Address { get; private set; } = new("http://127.0.0.1/");

    /// <summary>The base URL to give the SDK (the catalog's <c>endpoint</c>).</summary>
    public abstract Uri Endpoint { get; }

    /// <summary>Computes the reply to a request; by default "Reply n from model." with a little reasoning when asked.</summary>
    public Func<FakeRequest, FakeReply> Reply { get; set; } = request => new FakeReply($"Reply {request.Number} from {request.Model}.");

    /// <summary>The faults to inject.</summary>
    public FaultPlan Faults { get; set; } = FaultPlan.None;

    /// <summary>
    /// Delay between streamed pieces. Pacing is deadline-based: piece <c>i</c> is due <c>i × TokenLatency</c> after the
    /// request arrived (after a slow-first-byte fault's pause), so a reply of <c>N + 1</c> pieces ends
    /// <c>N × TokenLatency</c> after its request however long reading the request and each write take.
    /// </summary>
    public TimeSpan TokenLatency { get; set; }

    /// <summary>The clock the streaming pace is measured and waited on (the system clock unless a test fakes it).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// Streamed replies served to the end, and their summed time from the request's arrival to the last piece written:
    /// the latency the server actually delivered, to compare with what <see cref="TokenLatency"/> asks for.
    /// </summary>
    public (long Replies, TimeSpan Total) StreamedReplyTime
    {
        get
        {
            lock (_gate)
            {
                return (_streamedReplies, _streamedTime);
            }
        }
    }

    /// <summary>How many requests arrived (faulted ones included).</summary>
    public int RequestCount => Volatile.Read(ref _count);

    /// <summary>The most requests that were being answered at once, from arrival to the last byte written.</summary>
    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    /// <summary>Every request received, in order.</summary>
    public IReadOnlyList<FakeRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return _requests.ToArray();
            }
        }
    }

    /// <summary>Serve <paramref name="response"/> verbatim to the next request (before faults and scripted replies).</summary>
    public void Enqueue(RecordedResponse response) => _scripted.Enqueue(response);

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>The path the provider's API is served at.</summary>
    protected abstract string ApiPath { get; }

    protected abstract Task WriteStreamAsync(HttpContext context, FakeRequest request, FakeReply reply, FaultKind fault, CancellationToken cancellationToken);

    protected abstract Task WriteJsonAsync(HttpContext context, FakeRequest request, FakeReply reply, CancellationToken cancellationToken);

    protected abstract string ErrorBody(int status, string type, string message);

    /// <summary>The key the request was made with, as a provider that echoes it in an error would quote it.</summary>
    protected static string KeyOf(FakeRequest request) =>
        request.Headers.GetValueOrDefault("x-api-key") ?? request.Headers.GetValueOrDefault("authorization")?.Replace("Bearer ", "", StringComparison.Ordinal) ?? "";

    protected async Task StartCoreAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.MapPost(ApiPath, HandleAsync);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Address = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
    }

    /// <summary>Splits a text into the pieces a server would stream (words with their leading space).</summary>
    protected static IReadOnlyList<string> Pieces(string text) => text.Length == 0 ? [] : Piece().Matches(text).Select(m => m.Value).ToList();

    protected static int CountTokens(FakeRequest request) =>
        1 + request.Messages.Sum(m => 4 + (m.Text.Length / 4)) + (request.Body["system"]?.ToJsonString().Length ?? 0) / 4;

    protected static async Task WriteEventAsync(HttpContext context, string text, CancellationToken cancellationToken)
    {
        await context.Response.WriteAsync(text, Encoding.UTF8, cancellationToken);
        await context.Response.Body.FlushAsync(cancellationToken);
    }

    // Streams a reply's pieces, applying a mid-stream fault after the first pieces.
    protected async Task<bool> StreamPiecesAsync(
        HttpContext context, IReadOnlyList<string> events, FaultKind fault, string malformed, CancellationToken cancellationToken, string? streamError = null)
    {
        // Halfway, so some text has been streamed when the fault hits.
        var faultAt = events.Count / 2;
        var latency = TokenLatency;
        var clock = TimeProvider;
        // Deadlines from a fixed origin: sleeping a fixed gap after each write would add every write's and timer's
        // overshoot to the reply (~233 ms instead of 200 ms for 4 × 50 ms under load).
        var origin = context.Items.TryGetValue(ArrivedKey, out var arrived) && arrived is long at ? at : clock.GetTimestamp();
        var originIndex = 0;
        for (var i = 0; i < events.Count; i++)
        {
            if (i == faultAt)
            {
                switch (fault)
                {
                    case FaultKind.CutStream:
                        // The body simply ends: what a proxy or a crashed upstream produces.
                        return false;
                    case FaultKind.StallMidStream:
                        await Task.Delay(Faults.Stall, cancellationToken);
                        // The stall is extra time: the pieces after it keep their pace instead of bursting to catch up.
                        origin = clock.GetTimestamp();
                        originIndex = i - 1;
                        break;
                    case FaultKind.MalformedChunk:
                        await WriteEventAsync(context, malformed, cancellationToken);
                        break;
                    case FaultKind.StreamError when streamError is not null:
                        await WriteEventAsync(context, streamError, cancellationToken);
                        return false;
                }
            }

            if (latency > TimeSpan.Zero && i > 0)
            {
                var due = latency * (i - originIndex);
                var remaining = due - clock.GetElapsedTime(origin);
                if (remaining > TimeSpan.Zero)
                {
                    await Task.Delay(remaining, clock, cancellationToken);
                }
            }

            await WriteEventAsync(context, events[i], cancellationToken);
        }

        var took = clock.GetElapsedTime(context.Items.TryGetValue(ArrivedKey, out var first) && first is long f ? f : origin);
        lock (_gate)
        {
            _streamedReplies++;
            _streamedTime += took;
        }

        return true;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var inFlight = Interlocked.Increment(ref _inFlight);
        for (var max = Volatile.Read(ref _maxInFlight); inFlight > max; max = Volatile.Read(ref _maxInFlight))
        {
            Interlocked.CompareExchange(ref _maxInFlight, inFlight, max);
        }

        try
        {
            await HandleCoreAsync(context);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task HandleCoreAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        context.Items[ArrivedKey] = TimeProvider.GetTimestamp();
        var body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: cancellationToken) as JsonObject ?? [];
        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
        FakeRequest request;
        lock (_gate)
        {
            request = new FakeRequest(Interlocked.Increment(ref _count), context.Request.Path, body, headers);
            _requests.Add(request);
        }

        try
        {
            if (_scripted.TryDequeue(out var recorded))
            {
                await ServeRecordedAsync(context, recorded, cancellationToken);
                return;
            }

            var fault = Faults.Next();
            switch (fault)
            {
                case FaultKind.RateLimited:
                    context.Response.Headers["retry-after"] = Math.Ceiling(Faults.RetryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
                    context.Response.Headers["retry-after-ms"] = ((long)Faults.RetryAfter.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
                    await WriteErrorAsync(context, 429, "rate_limit_error", "Rate limit reached for requests", cancellationToken);
                    return;
                case FaultKind.ServerError:
                    await WriteErrorAsync(context, 500, "api_error", "The server had an error while processing your request", cancellationToken);
                    return;
                case FaultKind.Unavailable:
                    await WriteErrorAsync(context, 503, "api_error", "Service unavailable", cancellationToken);
                    return;
                case FaultKind.Overloaded:
                    await WriteErrorAsync(context, 529, "overloaded_error", "Overloaded", cancellationToken);
                    return;
                case FaultKind.SlowFirstByte:
                    await Task.Delay(Faults.SlowFirstByte, cancellationToken);
                    context.Items[ArrivedKey] = TimeProvider.GetTimestamp();
                    break;
            }

            var reply = Reply(request);
            if (request.Stream)
            {
                context.Response.ContentType = "text/event-stream; charset=utf-8";
                await WriteStreamAsync(context, request, reply, fault, cancellationToken);
            }
            else
            {
                context.Response.ContentType = "application/json";
                await WriteJsonAsync(context, request, reply, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client gave up (a stall or slow first byte it timed out on); nothing to answer.
        }
    }

    private async Task WriteErrorAsync(HttpContext context, int status, string type, string message, CancellationToken cancellationToken)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(ErrorBody(status, type, message), cancellationToken);
    }

    private static async Task ServeRecordedAsync(HttpContext context, RecordedResponse recorded, CancellationToken cancellationToken)
    {
        context.Response.StatusCode = recorded.StatusCode;
        context.Response.ContentType = recorded.ContentType;
        foreach (var (name, value) in recorded.Headers ?? new Dictionary<string, string>())
        {
            context.Response.Headers[name] = value;
        }

        foreach (var chunk in recorded.Chunks)
        {
            await WriteEventAsync(context, chunk, cancellationToken);
        }
    }

    [GeneratedRegex(@"\s*\S+|\s+")]
    private static partial Regex Piece();
}
