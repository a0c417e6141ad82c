namespace Crosstalk.Conversations;

/// <summary>
/// Splits a leading <c>&lt;think&gt;…&lt;/think&gt;</c> block off streamed text, even when the tags arrive split
/// across deltas: the start is held back only until it is clear whether it opens such a block.
/// </summary>
internal sealed class ThinkSplitter
{
    private const string Open = "<think>";
    private const string Close = "</think>";

    private string _held = string.Empty;
    private Mode _mode;

    private enum Mode
    {
        Start,
        InThink,
        AfterThink,
        Visible,
    }

    public void Reset()
    {
        _held = string.Empty;
        _mode = Mode.Start;
    }

    /// <summary>Feeds one chunk; returns the visible and reasoning text it releases (either may be null).</summary>
    public void Push(string chunk, out string? visible, out string? reasoning)
    {
        visible = null;
        reasoning = null;
        switch (_mode)
        {
            case Mode.Visible:
                visible = chunk;
                return;

            case Mode.Start:
                if (_held.Length == 0 && chunk.Length > 0 && chunk[0] != '<' && !char.IsWhiteSpace(chunk[0]))
                {
                    _mode = Mode.Visible;
                    visible = chunk;
                    return;
                }

                var text = _held.Length == 0 ? chunk : _held + chunk;
                var rest = text.AsSpan().TrimStart();
                if (rest.Length == 0 || (rest.Length < Open.Length && Open.AsSpan().StartsWith(rest, StringComparison.Ordinal)))
                {
                    _held = text;
                    return;
                }

                _held = string.Empty;
                if (!rest.StartsWith(Open, StringComparison.Ordinal))
                {
                    _mode = Mode.Visible;
                    visible = text;
                    return;
                }

                _mode = Mode.InThink;
                PushThink(rest[Open.Length..].ToString(), out visible, out reasoning);
                return;

            case Mode.InThink:
                PushThink(_held.Length == 0 ? chunk : _held + chunk, out visible, out reasoning);
                return;

            default:
                PushAfterThink(chunk, out visible);
                return;
        }
    }

    /// <summary>Ends the stream; returns whatever was held back.</summary>
    public void Complete(out string? visible, out string? reasoning)
    {
        visible = null;
        reasoning = null;
        if (_held.Length > 0)
        {
            // Held text at the start was never a think block; inside one, an unclosed block is all reasoning.
            if (_mode == Mode.Start)
            {
                visible = _held;
            }
            else if (_mode == Mode.InThink)
            {
                reasoning = _held;
            }
        }

        _held = string.Empty;
    }

    private void PushThink(string text, out string? visible, out string? reasoning)
    {
        visible = null;
        var end = text.IndexOf(Close, StringComparison.Ordinal);
        if (end >= 0)
        {
            _held = string.Empty;
            _mode = Mode.AfterThink;
            reasoning = end == 0 ? null : text[..end];
            PushAfterThink(text[(end + Close.Length)..], out visible);
            return;
        }

        // Hold back a tail that might be the start of the closing tag.
        var keep = Math.Min(text.Length, Close.Length - 1);
        _held = text[^keep..];
        reasoning = text.Length > keep ? text[..^keep] : null;
    }

    private void PushAfterThink(string text, out string? visible)
    {
        var trimmed = text.TrimStart();
        if (trimmed.Length == 0)
        {
            visible = null;
            return;
        }

        _mode = Mode.Visible;
        visible = trimmed;
    }
}
