extension Array where Element == UInt8 {
    /// Lends a `ByteReader` over this array's bytes to `body`. The reader must not escape.
    @inlinable
    public func withReader<R, E: Error>(_ body: (inout ByteReader) throws(E) -> R) throws(E) -> R {
        let result: Result<R, E> = withUnsafeBytes { raw in
            var reader = ByteReader(raw)
            do throws(E) { return .success(try body(&reader)) } catch { return .failure(error) }
        }
        return try result.get()
    }
}

extension ArraySlice where Element == UInt8 {
    /// Lends a `ByteReader` over this slice's bytes to `body`. The reader must not escape.
    @inlinable
    public func withReader<R, E: Error>(_ body: (inout ByteReader) throws(E) -> R) throws(E) -> R {
        let result: Result<R, E> = withUnsafeBytes { raw in
            var reader = ByteReader(raw)
            do throws(E) { return .success(try body(&reader)) } catch { return .failure(error) }
        }
        return try result.get()
    }
}

extension UnsafeRawBufferPointer {
    /// Lends a `ByteReader` over these bytes to `body`. The reader must not escape.
    @inlinable
    public func withReader<R, E: Error>(_ body: (inout ByteReader) throws(E) -> R) throws(E) -> R {
        var reader = ByteReader(self)
        return try body(&reader)
    }
}

extension ByteWriter {
    /// Lends a fixed-mode writer over `buffer` to `body` and returns what it produced together
    /// with the number of bytes written. The writer must not escape.
    @inlinable
    public static func withWriter<R, E: Error>(
        into buffer: UnsafeMutableRawBufferPointer, _ body: (inout ByteWriter) throws(E) -> R
    ) throws(E) -> (result: R, bytesWritten: Int) {
        var writer = ByteWriter(into: buffer)
        let result = try body(&writer)
        return (result, writer.bytesWritten)
    }
}
