namespace Crosstalk.Models.Catalog;

/// <summary>The wire protocol a model is reached through.</summary>
public enum ModelApi
{
    /// <summary>OpenAI Chat Completions (OpenAI, xAI, Moonshot, DeepSeek, Gemini's compatible endpoint, OpenRouter, Ollama, vLLM, llama.cpp).</summary>
    OpenAI,

    /// <summary>Anthropic Messages.</summary>
    Anthropic,

    /// <summary>Not a network model: created by a scheme handler such as <c>offline:</c> or <c>replay:</c>.</summary>
    External,
}
