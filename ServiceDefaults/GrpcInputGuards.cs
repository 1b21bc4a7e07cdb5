using System.Buffers;
using System.IO.Compression;
using System.IO.Pipelines;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Net.Compression;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace NutritionAspire.ServiceDefaults;

/// <summary>
/// What grpc-dotnet does not refuse by itself, refused in front of it (docs/grpc-errors.md): left to it, a compressed
/// message that does not decompress, a length prefix of 2^31 or more and a <c>grpc-timeout</c> too large for a
/// <see cref="TimeSpan"/> each end as UNKNOWN with an Error log and a stack trace, and a small compressed message may
/// inflate without limit before its size is checked.
/// </summary>
public static class GrpcInputGuards
{
    /// <summary>The largest request message, compressed or not once decompressed: grpc-dotnet's default, made explicit.</summary>
    public const int MaxMessageBytes = 4 * 1024 * 1024;

    /// <summary>grpc-dotnet's own detail for a message over the limit, kept so that every oversized message reads the same.</summary>
    private const string MessageTooLarge = "Received message exceeds the maximum configured message size.";

    private const string InvalidTimeout = "grpc-timeout must be 1 to 8 digits followed by one of the units H, M, S, m, u, n.";

    /// <summary>grpc-dotnet's compressions (gzip and deflate), whose decompression refuses corrupt data and stops at the limit.</summary>
    public static IList<ICompressionProvider> CompressionProviders() =>
    [
        new BoundedDecompression(new GzipCompressionProvider(CompressionLevel.Fastest)),
        new BoundedDecompression(new DeflateCompressionProvider(CompressionLevel.Fastest)),
    ];

    /// <summary>
    /// For a call to a gRPC method: refuses a <c>grpc-timeout</c> that is not what the gRPC protocol allows (at most 8
    /// digits and a unit), as INVALID_ARGUMENT without calling the method, and reads the request through a reader that
    /// refuses a length prefix beyond <see cref="int.MaxValue"/> as RESOURCE_EXHAUSTED.
    /// </summary>
    public static Task GuardAsync(HttpContext context, RequestDelegate next)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>() is null)
        {
            return next(context);
        }

        if (context.Request.Headers.TryGetValue("grpc-timeout", out var timeout) && !IsValidTimeout(timeout))
        {
            // A trailers-only answer, as grpc-dotnet writes for a call that fails before its first message.
            context.Response.ContentType = "application/grpc";
            context.Response.Headers["grpc-status"] = ((int)StatusCode.InvalidArgument).ToString(System.Globalization.CultureInfo.InvariantCulture);
            context.Response.Headers["grpc-message"] = InvalidTimeout;
            return Task.CompletedTask;
        }

        context.Features.Set<IRequestBodyPipeFeature>(new GuardedBody(new FrameLengthGuard(context.Request.BodyReader)));
        return next(context);
    }

    /// <summary>One value of 1 to 8 ASCII digits and a unit: the gRPC protocol's TimeoutValue and TimeoutUnit.</summary>
    private static bool IsValidTimeout(Microsoft.Extensions.Primitives.StringValues values) =>
        values is [{ Length: >= 2 and <= 9 } value]
        && "HMSmun".Contains(value[^1], StringComparison.Ordinal)
        && value.AsSpan(0, value.Length - 1).IndexOfAnyExceptInRange('0', '9') < 0;

    private sealed class GuardedBody(PipeReader reader) : IRequestBodyPipeFeature
    {
        public PipeReader Reader { get; } = reader;
    }

    /// <summary>
    /// Passes the request body through, reading the five-byte header of each message as it goes by: a length that does
    /// not fit an <see cref="int"/> is refused before grpc-dotnet decodes it (which throws an <see cref="IOException"/>).
    /// Only header bytes are looked at; message bytes are skipped by their announced length.
    /// </summary>
    private sealed class FrameLengthGuard(PipeReader inner) : PipeReader
    {
        private const int HeaderBytes = 5;

        private ReadOnlySequence<byte> _buffer;
        private long _bufferStart, _inspectedTo, _nextHeader;
        private ulong _length;

        public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
        {
            var read = inner.ReadAsync(cancellationToken);
            return read.IsCompletedSuccessfully ? new(Inspect(read.Result)) : InspectAsync(read);
        }

        public override bool TryRead(out ReadResult result)
        {
            if (!inner.TryRead(out result))
            {
                return false;
            }

            result = Inspect(result);
            return true;
        }

        public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
        {
            _bufferStart += _buffer.Slice(_buffer.Start, consumed).Length;
            inner.AdvanceTo(consumed, examined);
        }

        public override void CancelPendingRead() => inner.CancelPendingRead();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        private async ValueTask<ReadResult> InspectAsync(ValueTask<ReadResult> read) => Inspect(await read);

        private ReadResult Inspect(ReadResult result)
        {
            _buffer = result.Buffer;
            var end = _bufferStart + _buffer.Length;
            while (_inspectedTo < end)
            {
                if (_inspectedTo < _nextHeader)
                {
                    _inspectedTo = Math.Min(_nextHeader, end);
                    continue;
                }

                // A header byte: the compressed flag, then the length, big-endian.
                var index = _inspectedTo - _nextHeader;
                var value = _buffer.Slice(_inspectedTo - _bufferStart, 1).FirstSpan[0];
                _length = index == 0 ? 0 : (_length << 8) | value;
                _inspectedTo++;
                if (index == HeaderBytes - 1)
                {
                    if (_length > int.MaxValue)
                    {
                        inner.AdvanceTo(_buffer.Start, _buffer.End);
                        throw new RpcException(new Status(StatusCode.ResourceExhausted, MessageTooLarge));
                    }

                    _nextHeader += HeaderBytes + (long)_length;
                }
            }

            return result;
        }
    }

    /// <summary>A compression whose decompression turns corrupt data into INVALID_ARGUMENT and stops past the limit.</summary>
    private sealed class BoundedDecompression(ICompressionProvider compression) : ICompressionProvider
    {
        public string EncodingName => compression.EncodingName;

        public Stream CreateCompressionStream(Stream stream, CompressionLevel? compressionLevel) =>
            compression.CreateCompressionStream(stream, compressionLevel);

        public Stream CreateDecompressionStream(Stream stream) =>
            new BoundedReadStream(compression.CreateDecompressionStream(stream), EncodingName);
    }

    private sealed class BoundedReadStream(Stream decompressed, string encoding) : Stream
    {
        private long _total;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int read;
            try
            {
                read = decompressed.Read(buffer);
            }
            catch (InvalidDataException)
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"The request message is not valid {encoding} data."));
            }

            _total += read;
            return _total > MaxMessageBytes
                ? throw new RpcException(new Status(StatusCode.ResourceExhausted,
                    $"The request message is larger than {MaxMessageBytes} bytes once decompressed."))
                : read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                decompressed.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
