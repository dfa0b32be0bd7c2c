using System;
using System.Text;

namespace Tessera.Generators.Emitting;

/// <summary>Writes source text line by line at the current indentation.</summary>
internal sealed class IndentedWriter
{
    private const string IndentUnit = "    ";
    private readonly StringBuilder _text = new();
    private int _indent;

    public IndentedWriter Line(string line = "")
    {
        if (line.Length > 0)
        {
            for (var i = 0; i < _indent; i++) _text.Append(IndentUnit);
            _text.Append(line);
        }
        _text.Append('\n');
        return this;
    }

    /// <summary>Writes <paramref name="header"/>, an opening brace, and indents until the result is disposed.</summary>
    public IDisposable Block(string header)
    {
        Line(header);
        Line("{");
        _indent++;
        return new Closer(this);
    }

    public override string ToString() => _text.ToString();

    private sealed class Closer : IDisposable
    {
        private IndentedWriter? _writer;

        public Closer(IndentedWriter writer) => _writer = writer;

        public void Dispose()
        {
            if (_writer is null) return;
            _writer._indent--;
            _writer.Line("}");
            _writer = null;
        }
    }
}
