namespace Crosstalk.Stopping;

/// <summary>How the end token stops a conversation.</summary>
public enum EndTokenPolicy
{
    /// <summary>One seat ending a message with the token is enough (the original system's rule).</summary>
    Any,

    /// <summary>Every seat has ended a message with the token, in consecutive messages.</summary>
    Mutual,

    /// <summary>The token never stops the conversation; it is only recorded.</summary>
    Off,
}
