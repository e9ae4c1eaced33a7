package dev.adjoint.processor.testing;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which parameters of a compiled method carry {@code @dev.adjoint.NoGrad}. The annotation has CLASS
 * retention, so reflection cannot see it; this reads the method's {@code RuntimeInvisibleParameterAnnotations}
 * attribute from the class file (JVMS §4.7.19) instead, so that the checkers know the parameters that are held
 * fixed without asking the code under test.
 */
final class NoGradParameters {
  private static final String NO_GRAD = "Ldev/adjoint/NoGrad;";

  private NoGradParameters() {}

  /** The indices of {@code m}'s {@code @NoGrad} parameters, read from {@code classFile} (the bytes of m's class). */
  static Set<Integer> of(byte[] classFile, Method m) {
    String descriptor = MethodType.methodType(m.getReturnType(), m.getParameterTypes()).toMethodDescriptorString();
    try {
      return read(new DataInputStream(new ByteArrayInputStream(classFile)), m.getName(), descriptor);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Set<Integer> read(DataInputStream in, String name, String descriptor) throws IOException {
    in.readInt(); // magic
    in.readUnsignedShort(); // minor
    in.readUnsignedShort(); // major
    int count = in.readUnsignedShort();
    String[] utf8 = new String[count];
    for (int i = 1; i < count; i++) {
      int tag = in.readUnsignedByte();
      switch (tag) {
        case 1 -> utf8[i] = in.readUTF();
        case 3, 4, 9, 10, 11, 12, 17, 18 -> in.readInt();
        case 5, 6 -> {
          in.readLong();
          i++; // long and double take two slots
        }
        case 7, 8, 16, 19, 20 -> in.readUnsignedShort();
        case 15 -> {
          in.readUnsignedByte();
          in.readUnsignedShort();
        }
        default -> throw new IOException("constant pool tag " + tag);
      }
    }
    in.readUnsignedShort(); // access
    in.readUnsignedShort(); // this
    in.readUnsignedShort(); // super
    in.skipNBytes(2L * in.readUnsignedShort()); // interfaces
    int fields = in.readUnsignedShort();
    for (int f = 0; f < fields; f++) {
      in.skipNBytes(6);
      skipAttributes(in);
    }
    int methods = in.readUnsignedShort();
    for (int k = 0; k < methods; k++) {
      in.readUnsignedShort(); // access
      boolean wanted = name.equals(utf8[in.readUnsignedShort()]) & descriptor.equals(utf8[in.readUnsignedShort()]);
      int attributes = in.readUnsignedShort();
      for (int a = 0; a < attributes; a++) {
        String attribute = utf8[in.readUnsignedShort()];
        int length = in.readInt();
        if (wanted && attribute.equals("RuntimeInvisibleParameterAnnotations")) {
          return parameters(in, utf8);
        }
        in.skipNBytes(length);
      }
      if (wanted) {
        return Set.of();
      }
    }
    throw new IOException("no method " + name + descriptor + " in the class file");
  }

  private static Set<Integer> parameters(DataInputStream in, String[] utf8) throws IOException {
    Set<Integer> out = new TreeSet<>();
    int parameters = in.readUnsignedByte();
    for (int p = 0; p < parameters; p++) {
      int annotations = in.readUnsignedShort();
      for (int a = 0; a < annotations; a++) {
        if (NO_GRAD.equals(utf8[in.readUnsignedShort()])) {
          out.add(p);
        }
        skipElementValuePairs(in);
      }
    }
    return out;
  }

  private static void skipAttributes(DataInputStream in) throws IOException {
    int attributes = in.readUnsignedShort();
    for (int a = 0; a < attributes; a++) {
      in.readUnsignedShort();
      in.skipNBytes(in.readInt() & 0xFFFFFFFFL);
    }
  }

  private static void skipElementValuePairs(DataInputStream in) throws IOException {
    int pairs = in.readUnsignedShort();
    for (int i = 0; i < pairs; i++) {
      in.readUnsignedShort();
      skipElementValue(in);
    }
  }

  private static void skipElementValue(DataInputStream in) throws IOException {
    int tag = in.readUnsignedByte();
    switch (tag) {
      case 'e' -> in.skipNBytes(4);
      case '@' -> {
        in.readUnsignedShort();
        skipElementValuePairs(in);
      }
      case '[' -> {
        int n = in.readUnsignedShort();
        for (int i = 0; i < n; i++) {
          skipElementValue(in);
        }
      }
      default -> in.readUnsignedShort(); // const_value_index or class_info_index
    }
  }
}
