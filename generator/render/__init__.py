"""Rendering a district's plugin tree and Data Exchange profile from its merged document."""

from generator.render.district import RenderedDistrict, render_district

__all__ = ["RenderedDistrict", "render_district"]
