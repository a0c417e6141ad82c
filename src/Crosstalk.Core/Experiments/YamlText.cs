using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Crosstalk.Experiments;

/// <summary>
/// The one way Crosstalk loads a YAML file a user gives it (experiment, study, rubric; the catalog checks its depth here),
/// so that every mistake in one is a <see cref="YamlException"/> with a place: YamlDotNet builds its node tree
/// recursively, and a file nested tens of thousands deep (<c>[[[[…</c>) overflows the stack and kills the process with no
/// way to catch it (the event parser is not recursive, so the depth is measured with it first); and its scanner gives up
/// on some broken input with an <see cref="InvalidOperationException"/> or <see cref="ArgumentException"/> that says
/// nothing of the file.
/// </summary>
public static class YamlText
{
    /// <summary>What to say when the YAML library stops without saying why.</summary>
    public const string Unreadable = "the YAML cannot be read past this point; look for an unclosed [, { or quote";

    /// <summary>Loads every document of <paramref name="text"/>.</summary>
    /// <exception cref="YamlException">The text is not YAML, or nests too deep; the exception names the place.</exception>
    public static YamlStream Load(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Check(text);
        var stream = new YamlStream();
        var parser = new Parser(new StringReader(text));
        try
        {
            stream.Load(parser);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet's ways of giving up without a place (a broken flow collection, an event it does not expect where
            // a control character cut a token); the last event the parser read is the place.
            var place = parser.Current?.End ?? Mark.Empty;
            throw new YamlException(place, place, Unreadable, ex);
        }

        return stream;
    }

    /// <summary>The deepest nesting accepted; Crosstalk's own files nest four or five deep.</summary>
    public const int Maximum = 64;

    /// <summary>Throws a <see cref="YamlException"/> at the first node nested deeper than <see cref="Maximum"/>.</summary>
    /// <remarks>A file that is not valid YAML is left to the reader that follows, which names the mistake.</remarks>
    public static void Check(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (FirstProblem(text) is { } problem)
        {
            throw new YamlException(problem.Event.Start, problem.Event.End, problem.Message);
        }
    }

    // The first node nested too deep, or the first value holding a NUL ("a\0b" in double quotes): no name, path, prompt or
    // label of a Crosstalk file can hold one (a path with one was an ArgumentException deep in a study).
    private static (ParsingEvent Event, string Message)? FirstProblem(string text)
    {
        var parser = new Parser(new StringReader(text));
        var depth = 0;
        try
        {
            while (parser.MoveNext())
            {
                switch (parser.Current)
                {
                    case MappingStart or SequenceStart when ++depth > Maximum:
                        return (parser.Current, $"the YAML nests more than {Maximum} levels deep");
                    case Scalar scalar when scalar.Value.Contains('\0', StringComparison.Ordinal):
                        return (scalar, "a value holds a NUL character (\\0), which no name, path, prompt or label can");
                    case MappingEnd or SequenceEnd:
                        depth--;
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is YamlException or InvalidOperationException)
        {
            // Not valid YAML: the reader that follows names the mistake in its own words.
        }

        return null;
    }
}
