// Swift Testing suites for KoriumWire. One file per area; vectors are loaded from Vectors/.
