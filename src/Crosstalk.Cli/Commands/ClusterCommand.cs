using System.CommandLine;
using System.Globalization;
using System.Net;
using Crosstalk.Cli.Rendering;
using Crosstalk.Cluster;
using Crosstalk.Storage;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace Crosstalk.Cli.Commands;

/// <summary><c>crosstalk cluster</c>: run a silo, or see what the cluster is doing.</summary>
internal static class ClusterCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command(
            "cluster",
            """
            One experiment across many machines (Microsoft Orleans on the store's PostgreSQL database): start a silo
            on each machine, then hand runs to them with 'crosstalk batch --cluster' or 'crosstalk resume --cluster'.
            Model limits (concurrency, rpm, tpm) and a run's cost ceiling hold for all silos together. See docs/cluster.md.

            Examples:
              crosstalk cluster silo --db postgres://crosstalk@localhost/crosstalk
              crosstalk cluster silo --db postgres://crosstalk@db.lan/crosstalk \
                --advertise 10.0.0.12
              crosstalk cluster status --db postgres://crosstalk@localhost/crosstalk
            """)
        {
            CreateSilo(context),
            CreateStatus(context),
        };
        return command;
    }

    private static Command CreateSilo(CliContext context)
    {
        var db = StoreOptions.CreateDbOption();
        var modelsFile = ModelsOption.Create();
        var port = new Option<int>("--port") { Description = "The port silos talk to each other on.", DefaultValueFactory = _ => 11111 }.AtLeast(1);
        var gateway = new Option<int>("--gateway-port") { Description = "The port 'crosstalk batch --cluster' connects to.", DefaultValueFactory = _ => 30000 }.AtLeast(1);
        var advertise = new Option<string?>("--advertise") { Description = "The IP address other machines reach this silo at (default: loopback, one machine only); the silo then listens on every interface." };
        var name = new Option<string?>("--name") { Description = "The silo's name in 'cluster status' (default: machine name and port)." };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Log what the silo does (runs started and ended, conversations handed out), not only warnings." };
        var delay = new Option<int>("--token-delay") { Description = "Milliseconds the offline agents wait per word.", DefaultValueFactory = _ => 0 }.AtLeast(0);
        var command = new Command(
            "silo",
            """
            Starts a silo: joins the cluster on the store's PostgreSQL database and runs the conversations the cluster
            hands it, until Ctrl+C (its running conversations then stop as interrupted and other silos go on with them).
            Keys and the model catalog are this machine's ($CROSSTALK_MODELS, secrets.env, environment), as for 'batch'.

            Examples:
              crosstalk cluster silo --db postgres://crosstalk@localhost/crosstalk
              crosstalk cluster silo --db postgres://crosstalk@localhost/crosstalk \
                --port 11112 --gateway-port 30001
            """)
        {
            db, modelsFile, port, gateway, advertise, name, verbose, delay,
        };

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var database = CliEngine.Database(context, parseResult.GetValue(db));
            if (!CliEngine.LooksLikePostgres(database))
            {
                throw new UsageException($"A silo needs the store in PostgreSQL (--db postgres://user:password@host/database), where the silos meet; {database} is a SQLite file.");
            }

            IPAddress? address = null;
            if (parseResult.GetValue(advertise) is { } text && !IPAddress.TryParse(text, out address))
            {
                throw new UsageException($"--advertise takes an IP address (such as 10.0.0.12), not '{text}'.");
            }

            var models = CliEngine.Models(context, parseResult.GetValue(modelsFile), TimeSpan.FromMilliseconds(parseResult.GetValue(delay)));
            var options = new CrosstalkSiloOptions
            {
                SiloPort = parseResult.GetValue(port),
                GatewayPort = parseResult.GetValue(gateway),
                AdvertisedAddress = address,
                Name = parseResult.GetValue(name),
            };
            var level = parseResult.GetValue(verbose) ? LogLevel.Information : LogLevel.Warning;
            await using var silo = await StartAsync(options, CliEngine.Options(context, database, models), level, cancellationToken).ConfigureAwait(false);
            context.Console.MarkupLine(
                CultureInfo.InvariantCulture,
                "Silo [bold]{0}[/] ({1}) joined the cluster on {2} · gateway port {3} · Ctrl+C leaves it",
                TerminalText.Escape(silo.Name),
                TerminalText.Escape(silo.Address),
                TerminalText.Escape(silo.Engine.Store.Description),
                options.GatewayPort);
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C or SIGTERM: leave the cluster gracefully.
            }

            context.Console.MarkupLine("Leaving the cluster: running conversations stop as interrupted, and other silos go on with them.");
            await silo.StopAsync(CancellationToken.None).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task<CrosstalkSilo> StartAsync(CrosstalkSiloOptions options, Engine.Hosting.CrosstalkOptions engine, LogLevel level, CancellationToken cancellationToken)
    {
        try
        {
            return await CrosstalkSilo.StartAsync(
                options,
                engine,
                logging => logging.SetMinimumLevel(LogLevel.Warning)
                    .AddFilter("Orleans.Runtime.Watchdog", LogLevel.Error)
                    .AddFilter("Orleans.Runtime.Messaging", LogLevel.Error)
                    .AddFilter("Crosstalk", level)
                    .AddProvider(new Logging.RedactingLoggerProvider(Console.Error)),
                cancellationToken).ConfigureAwait(false);
        }
        catch (ClusterException ex)
        {
            throw new UserException(ex.Message, ex);
        }
    }

    private static Command CreateStatus(CliContext context)
    {
        var db = StoreOptions.CreateDbOption();
        var command = new Command(
            "status",
            """
            Lists the cluster's silos (alive or dead), how many conversations each runs, and the runs they belong to,
            read from the store's database (it works while no silo runs).

            Examples:
              crosstalk cluster status --db postgres://crosstalk@localhost/crosstalk
            """)
        {
            db,
        };

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            await using var store = await StoreOptions.OpenExistingAsync(context, parseResult.GetValue(db), cancellationToken).ConfigureAwait(false);
            var silos = await store.GetClusterSilosAsync(cancellationToken).ConfigureAwait(false);
            var running = await store.GetRunningLeasesAsync(context.TimeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            if (silos.Count == 0)
            {
                context.Console.MarkupLine($"No silo has joined a cluster on {TerminalText.Escape(store.Description)} yet; 'crosstalk cluster silo --db …' starts one.");
            }
            else
            {
                var table = new Table().AddColumns("Silo", "Address", "Host", "Status", "Started", "Last alive", "Running");
                foreach (var silo in silos)
                {
                    var count = running.Count(r => LeaseOwners.SiloOf(r.Owner) == silo.SiloAddress);
                    table.AddRow(
                        TerminalText.Escape(silo.Name),
                        TerminalText.Escape(silo.SiloAddress),
                        TerminalText.Escape(silo.Host),
                        silo.IsActive ? "[green]active[/]" : TerminalText.Escape(silo.Status),
                        silo.Started.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                        silo.LastAlive.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture),
                        count.ToString(CultureInfo.InvariantCulture));
                }

                context.Console.Write(table);
            }

            var runs = running.Where(r => r.RunId is not null).GroupBy(r => r.RunId!).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
            if (runs.Count == 0)
            {
                context.Console.MarkupLine("No conversation is running.");
                return ExitCodes.Success;
            }

            var byRun = new Table().AddColumns("Run", "Running", "Unfinished", "Conversations", "On silos");
            foreach (var run in runs)
            {
                var summary = await store.GetRunSummaryAsync(run.Key, cancellationToken).ConfigureAwait(false);
                var unfinished = (await store.GetUnfinishedConversationsAsync(run.Key, cancellationToken).ConfigureAwait(false)).Count;
                var on = run.Select(r => LeaseOwners.SiloOf(r.Owner) is { } silo ? silos.FirstOrDefault(s => s.SiloAddress == silo)?.Name ?? silo : "(not a silo)")
                    .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
                byRun.AddRow(
                    TerminalText.Escape(run.Key),
                    run.Count().ToString(CultureInfo.InvariantCulture),
                    unfinished.ToString(CultureInfo.InvariantCulture),
                    (summary?.Conversations ?? 0).ToString(CultureInfo.InvariantCulture),
                    TerminalText.Escape(string.Join(", ", on)));
            }

            context.Console.Write(byRun);
            return ExitCodes.Success;
        });
        return command;
    }
}
