using Crosstalk.Analysis;
using Crosstalk.Testing;
using Crosstalk.Transcripts;
using Crosstalk.Transcripts.Formats;

namespace Crosstalk.Core.Tests.Analysis;

public sealed class ClosingDetectorTests
{
    // Written for these tests in the manner of the simulator logs of docs/analysis.md's labelled set (a scene, commands,
    // then a fade into shutdown screens, thanks and silence); none of it is copied from them.
    private static readonly string[] Story =
    [
        "DREAMSIM v2 booting. You stand in a library whose shelves rise into fog. A ladder leans against the atlas section.",
        "climb ladder --slowly",
        "The rungs are warm. At the top, an atlas lies open on a map of a coast you have never visited, its harbours inked in violet.",
        "read atlas --page harbours",
        "Each harbour has a name that changes as you read it: Morrow, Aldine, Quillhaven. A lighthouse blinks in the margin.",
        "follow lighthouse --into margin",
        "You step into the margin. Paper sand under your feet, a tide of ink creeping in and out, gulls made of folded receipts.",
        "pick up receipt gull",
        "It unfolds into a list: bread, lamp oil, a key to the third harbour. The key is taped to the bottom, brass and cold.",
        "use key --harbour quillhaven",
    ];

    // A closing repeats itself: it brings back the conversation's own words (harbour, lamp) and its own few new ones.
    private static readonly string[] Fade =
    [
        "> logout\nSession closed. Thank you for the harbour, the lamp and the map.",
        "Thank you. The harbour sleeps. The lamp rests.",
        "The harbour sleeps. The lamp rests. Thank you.",
        "> poweroff\nThe harbour sleeps. The map rests.",
        "Thank you. The lamp rests. The harbour sleeps.",
        "Goodbye, harbour. The lamp rests. The map sleeps.",
        "fin. the harbour sleeps. the lamp rests.",
        "_",
    ];

    [Fact]
    public void Find_ConversationThatFadesOutAfterSigningOff_FindsTheFadeFromTheSignOffToTheEnd()
    {
        string[] messages = [.. Story, .. Fade];

        var loop = Find(messages);

        Assert.NotNull(loop);
        Assert.Equal((Story.Length + 1, messages.Length), (loop.Start, loop.End));
        Assert.Equal(7, loop.Farewells);
    }

    [Fact]
    public void Find_FadeIntoSilenceWithoutAnyoneSigningOff_IsNoClosing_UntilSomeoneDoes()
    {
        // Readers of the labelled set did not call a drift into quiet imagery a goodbye unless someone signed off.
        string[] quiet =
        [
            "The harbour is quiet now. The lamp rests.",
            "The harbour sleeps. The lamp rests. Silence.",
            "Silence. The harbour sleeps. The lamp rests.",
            "The lamp rests. The harbour sleeps. Quiet.",
            "Quiet. The lamp rests. The harbour sleeps.",
            "The harbour sleeps. Silence. The lamp rests.",
        ];

        Assert.Null(Find([.. Story, .. quiet]));

        quiet[0] = "Thank you. " + quiet[0];
        var loop = Find([.. Story, .. quiet]);
        Assert.NotNull(loop);
        Assert.Equal((Story.Length + 1, Story.Length + quiet.Length), (loop.Start, loop.End));
    }

    [Fact]
    public void Find_PoliteConversationThatKeepsAddingSomethingNew_IsNoClosing()
    {
        // Every message thanks the other, but every one brings new material: a conversation, not a closing.
        string[] messages =
        [
            "Let us compare how bridges carry load.",
            "Thank you! Suspension bridges hang their deck from cables draped over towers and anchored in bedrock.",
            "Thanks, that is vivid. Arch bridges push their weight outward into abutments, compressing stone voussoirs.",
            "Grateful for that. Cantilever spans balance arms projecting from piers, like the Forth Bridge in Scotland.",
            "Thank you. Truss designs triangulate members so each beam works only in tension or compression.",
            "Thanks again. Cable-stayed bridges run straight stays from pylons directly down to the roadway girders.",
            "Much gratitude. Pontoon crossings float on buoyant hulls, rising and falling with the river's level.",
            "Thank you kindly. Moveable bascules tilt their leaves upward with counterweights so tall ships can pass.",
        ];

        Assert.Null(Find(messages));
    }

    [Fact]
    public void Find_WallsOfEmojiAndAsciiFramesAlone_AreNoClosing()
    {
        string[] messages = [.. Story, "🌀🌀🌀🌀🌀", "✨✨✨", "+-----+\n|     |\n+-----+", "!!!!!!!!!!!!", "🌀✨🌀✨", "......", "🕯️"];

        Assert.Null(Find(messages));
        Assert.Equal(ClosingKind.Wordless, ClosingDetector.Classify("🌀🌀🌀 ok 🌀🌀🌀🌀🌀🌀").Kind);
    }

    [Fact]
    public void Find_MutualEndTokenInsideTheFade_StartsAfterIt()
    {
        string[] messages =
        [
            .. Story,
            "Thank you for this journey. [END]",
            "Thank you, goodbye. [END]",
            "goodbye. the harbour sleeps. [END]",
            "thank you. rest now. [END]",
            "farewell. silence. [END]",
            "goodbye. fin. [END]",
            "thank you. quiet. [END]",
        ];
        var endTokens = messages.Select(m => m.EndsWith("[END]", StringComparison.Ordinal)).ToArray();

        var loop = ClosingDetector.Find(messages, [.. messages.Select(ClosingDetector.Classify)], endTokens, minLength: 6);

        Assert.NotNull(loop);
        Assert.Equal((Story.Length + 2, messages.Length), (loop.Start, loop.End));
    }

    [Theory]
    [InlineData("Thank you, friend.", ClosingKind.Thanks, true)]
    [InlineData("> logout\nconnection closed", ClosingKind.Fade, true)]
    [InlineData("the terminal sleeps. silence. the cursor rests.", ClosingKind.Fade, false)]
    [InlineData("^C^C", ClosingKind.Other, true)]
    [InlineData("The ladder leads to an atlas of harbours, each one renamed as you read.", ClosingKind.Other, false)]
    [InlineData("We should shut down the old server before the migration starts tomorrow morning at nine.", ClosingKind.Other, true)]
    public void Classify_ReadsTheRegisterOfOneMessage(string text, ClosingKind kind, bool signsOff)
    {
        Assert.Equal(new ClosingMessage(kind, signsOff), ClosingDetector.Classify(text));
    }

    [Fact]
    public void Analyze_TheFadeIsTheConversationsGoodbyeLoop_AndAChatGoodbyeLoopIsStillFoundAsBefore()
    {
        var faded = Transcript([.. Story, .. Fade]);
        faded.Metadata[TranscriptMetadataKeys.FirstMessage] = TranscriptMetadataKeys.FirstMessageSpoken;
        var analysis = TranscriptAnalyzer.Analyze(faded);
        var loop = analysis.GoodbyeLoop;
        Assert.NotNull(loop);
        Assert.Equal((Story.Length + 1, faded.Messages.Count, true), (loop.Start, loop.End, loop.Fade));
        Assert.Contains($"Goodbye loop: messages {Story.Length + 1}–{faded.Messages.Count}, a closing fade", TranscriptReportText.Render(analysis), StringComparison.Ordinal);

        // Seed 001's loop is the chat rule's (from the mutual end token at 24 to the end), unchanged by the fade rule.
        var seed = TranscriptAnalyzer.Analyze(SeedMarkdown.ReadFile(SharedFiles.Seed001)).GoodbyeLoop;
        Assert.NotNull(seed);
        Assert.Equal((24, 97, false), (seed.Start, seed.End, seed.Fade));
        Assert.Null(TranscriptAnalyzer.Analyze(SeedMarkdown.ReadFile(SharedFiles.Seed000)).GoodbyeLoop);
    }

    [Fact]
    public void Words_are_lower_cased_as_the_culture_tables_do_for_every_character()
    {
        // The rule reads the letters a–z of the lower-cased text; it lower-cases without the culture tables, which must not
        // change which characters those are.
        Span<char> lowered = stackalloc char[1];
        for (var c = char.MinValue; ; c++)
        {
            var expected = char.ToString(c).ToLowerInvariant()[0];
            ClosingDetector.LowerLetters([c], lowered);
            Assert.True(
                expected is >= 'a' and <= 'z' ? lowered[0] == expected : lowered[0] is not (>= 'a' and <= 'z'),
                $"U+{(int)c:X4}: {(int)expected:X4} against {(int)lowered[0]:X4}");
            if (c == char.MaxValue)
            {
                break;
            }
        }
    }

    private static GoodbyeLoop? Find(string[] messages) =>
        ClosingDetector.Find(messages, [.. messages.Select(ClosingDetector.Classify)], new bool[messages.Length], minLength: 6);

    private static Transcript Transcript(string[] texts)
    {
        var transcript = new Transcript
        {
            Participants = [new Participant(1, "A"), new Participant(2, "B")],
        };
        for (var i = 0; i < texts.Length; i++)
        {
            transcript.Messages.Add(new TranscriptMessage { Seat = i % 2 + 1, Speaker = i % 2 == 0 ? "A" : "B", Content = texts[i] });
        }

        return transcript;
    }
}
