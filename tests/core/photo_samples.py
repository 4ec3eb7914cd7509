"""Photos for the attachment tests and benchmark: JPEGs with a camera's EXIF (make, model,
serial, GPS position, orientation, the shutter time), made in memory."""

from __future__ import annotations

import io

from PIL import ExifTags, Image

SHUTTER = "2026:11:24 11:05:30"  # camera local time (Tianjin): 03:05:30 UTC


def camera_exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "Canon"  # Make
    exif[0x0110] = "EOS R6"  # Model
    exif[0x013B] = "Liu Yang"  # Artist
    exif[0x0112] = orientation
    sub = exif.get_ifd(ExifTags.IFD.Exif)
    sub[0x9003] = SHUTTER  # DateTimeOriginal
    sub[0xA431] = "032021001234"  # BodySerialNumber
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[1], gps[2] = "N", (39.0, 8.0, 1.5)
    gps[3], gps[4] = "E", (117.0, 12.0, 3.0)
    return exif


def photo(width: int = 640, height: int = 480, *, orientation: int = 1,
          exif: bool = True) -> bytes:
    """A photo-like JPEG (a gradient with detail, so it does not compress to nothing)."""
    image = Image.radial_gradient("L").resize((width, height))
    detail = Image.effect_noise((width, height), 40)
    rgb = Image.merge("RGB", (image, detail, Image.linear_gradient("L").resize((width, height))))
    out = io.BytesIO()
    rgb.save(out, "JPEG", quality=92, **({"exif": camera_exif(orientation)} if exif else {}))
    return out.getvalue()


def png(width: int = 64, height: int = 48) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (200, 30, 30, 128)).save(out, "PNG")
    return out.getvalue()


def pdf(size: int = 2000) -> bytes:
    body = b"%PDF-1.4\n%fieldapp test\n"
    return body + b"0" * max(0, size - len(body) - 6) + b"\n%%EOF"
