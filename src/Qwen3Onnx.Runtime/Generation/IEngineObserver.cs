namespace Qwen3Onnx.Runtime.Generation;

/// <summary>What a <see cref="Qwen3Engine"/> reports as it works; called on its thread (except the two submit-time calls), so keep it cheap.</summary>
public interface IEngineObserver
{
    /// <summary>A request was queued (called on the submitting thread).</summary>
    void RequestQueued();

    /// <summary>A request was refused because the batch and the queue were full (called on the submitting thread).</summary>
    void RequestRejected();

    /// <summary>Rows entered the model: a new batch when none was running, otherwise newcomers joining it between steps.</summary>
    void RowsAdmitted(int rows, int promptTokens, bool joiningRunningBatch);

    void Step();

    void TokenGenerated();

    /// <summary>A row's caller cancelled it before it finished.</summary>
    void RowCancelled();

    /// <summary>A row left the engine, for whatever reason.</summary>
    void RowFinished();
}
