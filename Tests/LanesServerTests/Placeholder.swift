import Hummingbird
import LanesServer
