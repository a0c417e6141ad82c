namespace Crosstalk.Web.Pages;

/// <summary>What the analysis says about one message, shown as badges and highlights in the chat.</summary>
internal readonly record struct MessageMarks(bool EndToken, bool Refusal, bool InGoodbyeLoop);
