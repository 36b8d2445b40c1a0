// Swift Testing suites for KoriumTLS. One file per area; vectors are loaded from Vectors/.
