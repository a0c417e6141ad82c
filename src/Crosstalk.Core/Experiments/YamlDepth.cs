using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Crosstalk.Experiments;

/// <summary>
/// How deep a YAML file given to Crosstalk may nest. YamlDotNet builds its node tree recursively, and a file nested tens of
/// thousands deep (<c>[[[[…</c>) overflows the stack and kills the process with no way to catch it; the event parser is
/// not recursive, so the depth is measured with it first.
/// </summary>
public static class YamlDepth
{
    /// <summary>The deepest nesting accepted; Crosstalk's own files nest four or five deep.</summary>
    public const int Maximum = 64;

    /// <summary>Throws a <see cref="YamlException"/> at the first node nested deeper than <see cref="Maximum"/>.</summary>
    /// <remarks>A file that is not valid YAML is left to the reader that follows, which names the mistake.</remarks>
    public static void Check(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (FirstTooDeep(text) is { } node)
        {
            throw new YamlException(node.Start, node.End, $"the YAML nests more than {Maximum} levels deep");
        }
    }

    private static ParsingEvent? FirstTooDeep(string text)
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
                        return parser.Current;
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
