using System.Text;

namespace Crosstalk.Cli.Batch;

/// <summary>What the progress display shows of one running conversation; written by its task, read by the display.</summary>
internal sealed class LiveConversation
{
    private const int TailLength = 160;
    private readonly StringBuilder _tail = new();
    private bool _fresh;

    public LiveConversation(long id, string pair, int maxMessages, int messages)
    {
        Id = id;
        Pair = pair;
        MaxMessages = maxMessages;
        Messages = messages;
    }

    public long Id { get; }

    public string Pair { get; }

    public int MaxMessages { get; }

    /// <summary>Completed messages.</summary>
    public int Messages { get; private set; }

    public int CurrentIndex { get; private set; }

    public string Speaker { get; private set; } = string.Empty;

    /// <summary>Who wrote the words <see cref="LastWords"/> shows: the previous message's speaker until the new one writes.</summary>
    public string WordsSpeaker { get; private set; } = string.Empty;

    public void Start(int index, string speaker)
    {
        lock (_tail)
        {
            CurrentIndex = index;
            Speaker = speaker;
            _fresh = true;
        }
    }

    public void Append(string text)
    {
        lock (_tail)
        {
            if (_fresh)
            {
                _tail.Clear();
                WordsSpeaker = Speaker;
                _fresh = false;
            }

            _tail.Append(text);
            if (_tail.Length > TailLength * 2)
            {
                _tail.Remove(0, _tail.Length - TailLength);
            }
        }
    }

    /// <summary>Its stored length, read by a follower that does not see its words.</summary>
    public void Progress(int messages)
    {
        lock (_tail)
        {
            Messages = messages;
            CurrentIndex = messages;
        }
    }

    public void Complete(int index, string content)
    {
        lock (_tail)
        {
            Messages = index;
            if (_fresh)
            {
                // A reply that did not stream arrives whole.
                _tail.Clear();
                _tail.Append(content.Length > TailLength ? content[^TailLength..] : content);
                WordsSpeaker = Speaker;
                _fresh = false;
            }
        }
    }

    /// <summary>The last words written, on one line.</summary>
    public string LastWords(int width)
    {
        string text;
        lock (_tail)
        {
            text = WordsSpeaker.Length == 0 ? string.Empty : WordsSpeaker + ": " + _tail;
        }

        text = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return text.Length <= width ? text : "…" + text[^(width - 1)..];
    }
}
