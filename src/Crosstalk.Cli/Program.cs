namespace Crosstalk.Cli;

internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        var context = CliContext.FromProcess();
        using var interrupts = Batch.ConsoleInterrupts.Register(context.Error);
        return await CliApplication.RunAsync(args, context, interrupts.Token).ConfigureAwait(false);
    }
}
