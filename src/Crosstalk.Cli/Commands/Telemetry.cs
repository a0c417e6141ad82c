using System.CommandLine;
using System.Diagnostics;
using Crosstalk.Models.Providers;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Crosstalk.Cli.Commands;

/// <summary>
/// <c>--otel console|otlp</c>: Microsoft.Extensions.AI's own OpenTelemetry instrumentation of every model call,
/// exported to the console or over OTLP (endpoint from the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>). Off by default.
/// Every span passes <see cref="SecretRedactor"/> before an exporter sees it.
/// </summary>
internal static class Telemetry
{
    public const string SourceName = "Crosstalk";

    public static Option<string?> CreateOption()
    {
        var option = new Option<string?>("--otel")
        {
            Description = "Trace every model call with OpenTelemetry: 'console' prints spans, 'otlp' sends them to OTEL_EXPORTER_OTLP_ENDPOINT (default http://localhost:4317). Off by default.",
        };
        option.AcceptOnlyFromAmong("console", "otlp");
        return option;
    }

    /// <summary>Starts exporting, or returns null when <paramref name="mode"/> is null.</summary>
    public static TracerProvider? Start(string? mode)
    {
        if (mode is null)
        {
            return null;
        }

        var builder = Configure(Sdk.CreateTracerProviderBuilder());
        builder = mode == "otlp" ? builder.AddOtlpExporter() : builder.AddConsoleExporter();
        return builder.Build();
    }

    private const string ExtensionsAISource = "Experimental.Microsoft.Extensions.AI";

    // Listens only to be asked about exceptions: it samples nothing itself.
    private static readonly ActivityListener ExceptionRedaction = new()
    {
        ShouldListenTo = source => source.Name is SourceName or ExtensionsAISource,
        Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.None,
        ExceptionRecorder = static (_, exception, ref tags) =>
        {
            // Given first, these are what the exception event keeps instead of the exception's own text.
            tags.Add("exception.message", SecretRedactor.Redact(exception.Message));
            tags.Add("exception.stacktrace", SecretRedactor.Redact(exception.ToString()));
        },
    };

    private static int s_listening;

    /// <summary>The sources Crosstalk traces, and the redaction every span goes through first; exporters come after.</summary>
    public static TracerProviderBuilder Configure(TracerProviderBuilder builder)
    {
        if (Interlocked.Exchange(ref s_listening, 1) == 0)
        {
            ActivitySource.AddActivityListener(ExceptionRedaction);
        }

        return builder.AddSource(SourceName, ExtensionsAISource).AddProcessor(new RedactingProcessor());
    }

    /// <summary>
    /// Removes keys from a finished span: its status description and its string tags. It runs before the exporters, which
    /// see the span only after it. An event's tags cannot be changed once it is added, so an exception event's are redacted as
    /// it is recorded (<see cref="ExceptionRedaction"/>); Microsoft.Extensions.AI adds no other event unless asked to
    /// record message text, which Crosstalk never asks.
    /// </summary>
    internal sealed class RedactingProcessor : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data)
        {
            if (data.StatusDescription is { Length: > 0 } description)
            {
                data.SetStatus(data.Status, SecretRedactor.Redact(description));
            }

            foreach (var (key, value) in data.TagObjects.ToList())
            {
                if (value is string text && SecretRedactor.Redact(text) is var clean && clean != text)
                {
                    data.SetTag(key, clean);
                }
            }
        }
    }
}
