using Grpc.Core;
using Grpc.Core.Interceptors;
using VzPanel.Agent.Engines;

namespace VzPanel.Agent.Grpc;

/// <summary>Turns engine refusals from read calls into gRPC statuses (mutating calls do it in the journal).</summary>
public sealed class EngineExceptionInterceptor(ILogger<EngineExceptionInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (EngineException failure)
        {
            logger.LogInformation("{Method} refused: {Code} {Detail}", context.Method, failure.Code, failure.Message);
            throw EngineStatus.ToRpcException(failure);
        }
        catch (RpcException failure) when (failure.StatusCode != StatusCode.Cancelled)
        {
            // Messages are engine text or journal text: neither ever carries a request's secrets.
            logger.LogInformation("{Method} refused: {Status} {Detail}", context.Method, failure.StatusCode, failure.Status.Detail);
            throw;
        }
        catch (Exception failure) when (failure is not (RpcException or OperationCanceledException))
        {
            // A bug or a host surprise: the panel shows this reason instead of gRPC's "Exception was thrown by handler".
            logger.LogError(failure, "{Method} failed unexpectedly", context.Method);
            throw new RpcException(new Status(StatusCode.Internal, $"the agent failed: {failure.Message}"));
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (EngineException failure)
        {
            throw EngineStatus.ToRpcException(failure);
        }
    }
}
