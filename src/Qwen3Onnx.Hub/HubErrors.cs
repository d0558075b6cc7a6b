using System.Net;
using Qwen3Onnx.Models;

namespace Qwen3Onnx.Hub;

/// <summary>
/// One-line messages for the hub's refusals. The hub names the cause in <c>X-Error-Code</c>
/// (GatedRepo, RepoNotFound, RevisionNotFound, EntryNotFound).
/// </summary>
internal static class HubErrors
{
    public const string RepoNotFound = "RepoNotFound";
    public const string RevisionNotFound = "RevisionNotFound";
    public const string GatedRepo = "GatedRepo";

    public static string? ErrorCode(HttpResponseMessage response) =>
        response.Headers.TryGetValues("X-Error-Code", out var values) ? values.FirstOrDefault() : null;

    public static bool IsEntryNotFound(HttpResponseMessage response) =>
        response.StatusCode == HttpStatusCode.NotFound && ErrorCode(response) is not (RepoNotFound or RevisionNotFound);

    public static Qwen3OnnxException ForResponse(HttpResponseMessage response, HubRequest request, bool hasToken)
    {
        int status = (int)response.StatusCode;
        string code = ErrorCode(response) ?? "";
        string message = (response.StatusCode, code) switch
        {
            (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, GatedRepo) =>
                $"{request.RepoId} is gated: accept its terms on the hub {(hasToken ? "for the account of HF_TOKEN" : "and set HF_TOKEN")} "
                + $"(HTTP {status} for {request.File})",
            (_, RepoNotFound) =>
                $"repository {request.RepoId} not found (HTTP {status}){(hasToken ? "" : "; if it is private, set HF_TOKEN")}",
            (_, RevisionNotFound) => $"revision '{request.Revision}' not found in {request.RepoId} (HTTP {status})",
            (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, _) =>
                $"{request.RepoId} refused access to {request.File} (HTTP {status}); {(hasToken ? "HF_TOKEN was not accepted" : "set HF_TOKEN")}",
            (HttpStatusCode.NotFound, _) => $"{request.File} not found in {request.RepoId} at revision '{request.Revision}' (HTTP 404)",
            _ => $"unexpected HTTP {status} from {response.RequestMessage?.RequestUri} for {request.File} of {request.RepoId}",
        };
        return new Qwen3OnnxException(message);
    }
}
