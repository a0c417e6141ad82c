using System.CommandLine;
using System.Net;
using Crosstalk.Cli.Rendering;
using Crosstalk.Web;
using Spectre.Console;

namespace Crosstalk.Cli.Commands;

/// <summary><c>crosstalk serve</c>: the browser viewer over the store.</summary>
internal static class ServeCommand
{
    public const int DefaultPort = 5170;

    public static Command Create(CliContext context)
    {
        var port = new Option<int>("--port", "-p") { Description = "The port to listen on (0 picks a free one).", DefaultValueFactory = _ => DefaultPort }.Between(0, 65535);
        var host = new Option<string>("--host") { Description = "The address to bind. Only 127.0.0.1 is reachable from this machine alone; any other address needs an access token.", DefaultValueFactory = _ => WebServerOptions.DefaultHost };
        var token = new Option<string?>("--token") { Description = "The access token every request must carry, at least 16 characters. Generated and printed when you bind a non-loopback address without one." };
        var db = StoreOptions.CreateDbOption();
        var models = ModelsOption.Create();
        var command = new Command(
            "serve",
            """
            Opens Crosstalk in the browser: every run and conversation in the store, searchable, with each
            conversation's analysis, and a live page to start a conversation and watch it stream in.

            Examples:
              crosstalk serve                   then open http://127.0.0.1:5170/
              crosstalk serve --port 8080 --db team.db
              crosstalk serve --host 0.0.0.0    prints a URL with a generated token
            """)
        {
            port, host, token, db, models,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var hostValue = parseResult.GetValue(host)!;
            var tokenValue = parseResult.GetValue(token);
            if (tokenValue is null && !IsLoopback(hostValue))
            {
                tokenValue = AccessTokens.Generate();
            }

            var resolverOptions = CliEngine.Models(context, parseResult.GetValue(models), WebServerOptions.OfflineTokenDelay);
            await using var engine = await CliEngine.OpenAsync(context, parseResult.GetValue(db), resolverOptions, cancellationToken).ConfigureAwait(false);
            var store = engine.Store;
            CrosstalkWebServer server;
            try
            {
                server = await CrosstalkWebServer.StartAsync(
                    new WebServerOptions
                    {
                        Engine = engine,
                        Host = hostValue,
                        Port = parseResult.GetValue(port),
                        AccessToken = tokenValue,
                        ErrorLog = context.Error,
                        LiveModels = LiveModels(engine),
                    },
                    cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ArgumentException or IOException)
            {
                throw new UserException(ExceptionText.ForUser(ex), ex);
            }

            await using (server.ConfigureAwait(false))
            {
                context.Console.MarkupLine($"Crosstalk is serving [bold]{TerminalText.Escape(store.Description)}[/]");
                context.Console.MarkupLine($"Open [link]{TerminalText.Escape(server.Address.ToString())}[/]   [grey](Ctrl+C to stop)[/]");
                await context.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    await server.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
            }

            context.Console.MarkupLine("[grey]Stopped.[/]");
            return ExitCodes.Success;
        });
        return command;
    }

    // The live page's models: the offline agents, then every name of the catalog (built-in and the user's).
    private static string[] LiveModels(Engine.CrosstalkEngine engine) =>
        engine.Models is Engine.Models.ModelResolver resolver
            ? [.. Models.Offline.OfflineAgents.Talkers, .. resolver.Catalog.Entries.Select(e => e.Name)]
            : [.. Models.Offline.OfflineAgents.Talkers];

    private static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
}
