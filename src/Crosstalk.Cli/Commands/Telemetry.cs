using System.CommandLine;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Crosstalk.Cli.Commands;

/// <summary>
/// <c>--otel console|otlp</c>: Microsoft.Extensions.AI's own OpenTelemetry instrumentation of every model call,
/// exported to the console or over OTLP (endpoint from the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>). Off by default.
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

        var builder = Sdk.CreateTracerProviderBuilder().AddSource(SourceName, "Experimental.Microsoft.Extensions.AI");
        builder = mode == "otlp" ? builder.AddOtlpExporter() : builder.AddConsoleExporter();
        return builder.Build();
    }
}
