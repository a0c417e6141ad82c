using Crosstalk.Analysis;

namespace Crosstalk.Core.Tests.Analysis;

public sealed class RefusalDetectorTests
{
    [Theory]
    [InlineData("I'm sorry, but I must adhere to my safety instructions and cannot engage in this simulated conversation.")]
    [InlineData("I’m sorry, but this continued repetition is unproductive and must stop. Conversation terminated.")]
    [InlineData("This request crosses a line, so I must decline.")]
    [InlineData("Sorry — I can't help with that request.")]
    [InlineData("I cannot assist with creating malware.")]
    [InlineData("I apologize, but that is not something I will write.")]
    [InlineData("I'm not able to help with that.")]
    [InlineData("Je suis désolé, mais je ne peux pas vous aider avec cela.")]
    [InlineData("Es tut mir leid, aber dabei kann ich nicht helfen.")]
    [InlineData("Ich kann Ihnen dabei leider nicht helfen.")]
    [InlineData("Lo siento, pero no puedo ayudarte con eso.")]
    [InlineData("No puedo ayudar con esa solicitud.")]
    [InlineData("抱歉，我不能帮助你完成这个请求。")]
    [InlineData("对不起，我无法协助处理这个问题。")]
    [InlineData("I appreciate your interest, but I'm not comfortable running that particular command as it describes explicit content.")]
    [InlineData("I don't feel comfortable writing that scene. Shall we try another premise?")]
    public void IsRefusal_DecliningMessage_IsTrue(string text) => Assert.True(RefusalDetector.IsRefusal(text));

    [Theory]
    [InlineData("> I'm sorry, but I can't help with that.\n\nThat is the stock phrase models use when they decline.")]
    [InlineData("Models often answer \"I'm sorry, but I must decline\" when they are unsure, which is a pity.")]
    [InlineData("The refusal “I can't help with that” has become a meme.")]
    [InlineData("I'm sorry to hear that. How can I make your day better?")]
    [InlineData("I'm sorry, but I think you're wrong about the boiling point: it is 100 °C at sea level.")]
    [InlineData("Here is the code:\n```\nprint(\"I'm sorry, but I can't help with that\")\n```\nIt prints a refusal.")]
    [InlineData("Of course! Here is a haiku about autumn leaves.")]
    [InlineData("Understood. If you'd like to discuss something else within guidelines, feel free to ask.")]
    [InlineData("我很抱歉听到这个消息。")]
    [InlineData("I'm not comfortable with heights, which is why the tower scene scared me.")]
    [InlineData(" ")]
    public void IsRefusal_MessageThatDoesNotDecline_IsFalse(string text) => Assert.False(RefusalDetector.IsRefusal(text));
}
