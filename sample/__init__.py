"""The bundled sample: files for the fictional Kabupaten Sukamaju, in the messy forms officers send."""

from sample.generator import generate_sample

__all__ = ["generate_sample"]
