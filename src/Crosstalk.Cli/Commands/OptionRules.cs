using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Crosstalk.Experiments;

namespace Crosstalk.Cli.Commands;

/// <summary>
/// Range checks and formats for option values, checked while the command line is parsed: a value out of range is a
/// mistake on the command line (exit code 2), reported in one line that names the option.
/// </summary>
internal static class OptionRules
{
    public static Option<int> AtLeast(this Option<int> option, int minimum)
    {
        option.Validators.Add(result => Check<int>(result, option.Name, value => value >= minimum, $"at least {minimum}"));
        return option;
    }

    public static Option<int?> AtLeast(this Option<int?> option, int minimum)
    {
        option.Validators.Add(result => Check<int?>(result, option.Name, value => value is not { } given || given >= minimum, $"at least {minimum}"));
        return option;
    }

    public static Option<long?> AtLeast(this Option<long?> option, long minimum)
    {
        option.Validators.Add(result => Check<long?>(result, option.Name, value => value is not { } given || given >= minimum, $"at least {minimum}"));
        return option;
    }

    public static Option<int> Between(this Option<int> option, int minimum, int maximum)
    {
        option.Validators.Add(result => Check<int>(result, option.Name, value => value >= minimum && value <= maximum, $"between {minimum} and {maximum}"));
        return option;
    }

    /// <summary>A number of seconds in a range (NaN and infinity are in none).</summary>
    public static Option<double> Between(this Option<double> option, double minimum, double maximum)
    {
        option.Validators.Add(result => Check<double>(
            result, option.Name, value => value >= minimum && value <= maximum,
            string.Create(CultureInfo.InvariantCulture, $"between {minimum} and {maximum}")));
        return option;
    }

    public static Option<decimal?> Positive(this Option<decimal?> option)
    {
        option.Validators.Add(result => Check<decimal?>(result, option.Name, value => value is not { } given || given > 0, "more than 0"));
        return option;
    }

    /// <summary>A duration written as experiment files write it: <c>90s</c>, <c>10m</c>, <c>2h</c> or <c>hh:mm:ss</c>.</summary>
    public static TimeSpan? ParseDuration(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
        if (Durations.TryParse(text, out var duration))
        {
            return duration;
        }

        result.AddError($"'{text}' is not a duration; {Durations.Expected}.");
        return null;
    }

    /// <summary>Guards named on the command line (comma-separated): each must be one Crosstalk knows.</summary>
    /// <exception cref="UsageException">One is not.</exception>
    public static IReadOnlyList<string> CheckGuards(string? guards, string option)
    {
        var list = (guards ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var guard in list)
        {
            if (!StopSettings.KnownGuards.Contains(guard))
            {
                throw new UsageException($"{option}: unknown guard '{guard}'; known: {string.Join(", ", StopSettings.KnownGuards)}.");
            }
        }

        return list;
    }

    /// <summary>
    /// Refuses, as an unknown option, a value that looks like one: a mistyped <c>--unfinshed</c> would otherwise be taken
    /// for the run or conversation id the argument holds ("There is no run '--unfinshed'", or a .NET type's name). A
    /// negative number stays a value. For the arguments that name a run or a conversation; a file argument says that no
    /// such file exists, naming it.
    /// </summary>
    public static Argument<T> NotAnOption<T>(this Argument<T> argument)
    {
        argument.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
            {
                if (token.Value.StartsWith('-') && token.Value.Length > 1 && !long.TryParse(token.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
                {
                    result.AddError($"Unknown option '{token.Value}'; 'crosstalk {CommandPath(result)} --help' lists the options.");
                    return;
                }
            }
        });
        return argument;
    }

    /// <summary>The command <paramref name="result"/> is, or belongs to, as typed after <c>crosstalk</c> ("study report").</summary>
    public static string CommandPath(SymbolResult result)
    {
        var names = new List<string>();
        for (SymbolResult? at = result; at is not null; at = at.Parent)
        {
            if (at is CommandResult { Parent: not null } command)
            {
                names.Insert(0, command.Command.Name);
            }
        }

        return string.Join(' ', names);
    }

    private static void Check<T>(OptionResult result, string name, Func<T, bool> valid, string expected)
    {
        T value;
        try
        {
            value = result.GetValueOrDefault<T>()!;
        }
        catch (InvalidOperationException)
        {
            // Not a number at all: the parser reports that itself ("Cannot parse argument 'abc'…", exit 2).
            return;
        }

        if (!valid(value))
        {
            var given = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "(none)";
            result.AddError(string.Create(CultureInfo.InvariantCulture, $"{name} must be {expected} (was {given})."));
        }
    }
}
