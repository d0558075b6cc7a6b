namespace Qwen3Onnx.Hub;

/// <summary>One file of one repository at one revision: what a hub request is about, and what its errors name.</summary>
internal sealed record HubRequest(string RepoId, string Revision, string File);
