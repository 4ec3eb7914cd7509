"""What every screen uses: translation, background work (ops), touch scrolling, fitting the
screen, styles, common fields.
"""
