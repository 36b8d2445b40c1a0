// Swift Testing suites for KoriumCrypto. One file per area; vectors are loaded from Vectors/.
